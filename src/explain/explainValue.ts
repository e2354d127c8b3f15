/**
 * The explanation of one output value from its plan (explainPlan.ts), the graph values just
 * before the op (fetched by the worker in one run) and the op's constants. Pure: only the one
 * explained value is computed here; every other number comes from the model's own run.
 */
import type { ClassHead } from '../model/classHead';
import { explainConv, explainPool, type PhotoPixels } from './explainConv';
import type { ExplainPlan } from './explainPlan';
import { explainActivation, explainAdd, explainClassScore, explainGrn, explainLayerNorm, explainLinear, explainOther, type AddInput } from './explainOps';
import { channelConstant, valueAt, type Explanation, type Position, type Tensor } from './explanation';

export interface ExplainData {
  /** Graph values by name, as a run returned them (batch dimension included). */
  tensors: Record<string, Tensor>;
  /** Constants by the name the graph uses (float16 widened to float32). */
  constants: Record<string, Tensor>;
  /** The class head, for the class-score plan. */
  head: ClassHead | null;
  /** Class names, for the class-score title. */
  labels?: readonly string[];
  /** The photo behind the graph input `input`: the stem's patch is also shown as pixels. */
  photo?: PhotoPixels & { input: string };
}

export class MissingInputError extends Error {
  constructor(what: string) {
    super(`The explanation needs ${what}, which the run did not return.`);
    this.name = 'MissingInputError';
  }
}

function need<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new MissingInputError(what);
  return v;
}

export function explainValue(plan: ExplainPlan, data: ExplainData, p: Position): Explanation {
  const tensor = (name: string) => need(data.tensors[name], `the graph value "${name}"`);
  const constant = (name: string) => need(data.constants[name], `the constant "${name}"`);
  const optional = (name: string | null) => (name ? constant(name) : null);
  switch (plan.kind) {
    case 'conv':
      return explainConv(plan, tensor(plan.input.value), constant(plan.weight), optional(plan.bias), p, data.photo?.input === plan.input.value ? data.photo : null);
    case 'pool':
      return explainPool(plan, tensor(plan.input.value), p);
    case 'layernorm': {
      const eps = typeof plan.eps === 'number' ? plan.eps : constant(plan.eps).data[0]!;
      return explainLayerNorm(plan, tensor(plan.input.value), optional(plan.gamma), optional(plan.beta), eps, p);
    }
    case 'linear':
      return explainLinear(plan, tensor(plan.input.value), constant(plan.weight), optional(plan.bias), p);
    case 'activation': {
      const params: Record<string, number> = {};
      for (const [k, v] of Object.entries(plan.params)) params[k] = typeof v === 'number' ? v : constant(v).data[0]!;
      return explainActivation(plan, tensor(plan.input.value), params, p);
    }
    case 'add': {
      const scaled = plan.terms.some((t) => 'ref' in t && t.scale);
      const inputs: AddInput[] = plan.terms.map((t) => {
        if (!('ref' in t)) return { label: 'constant', value: channelConstant(constant(t.constant), p.channel) };
        const v = valueAt(tensor(t.ref.value), t.ref.layout, p);
        if (!t.scale) return { label: scaled ? 'block input x' : `"${t.ref.value}"`, value: v };
        const g = channelConstant(constant(t.scale), p.channel);
        return { label: 'branch output b', value: g * v, scale: g, scaled: v };
      });
      return explainAdd(plan, inputs);
    }
    case 'grn':
      return explainGrn(plan, tensor(plan.input.value), constant(plan.gamma), constant(plan.beta), constant(plan.eps).data[0]!, p);
    case 'class-score': {
      const head = need(data.head, 'the class head');
      return explainClassScore(plan, head, tensor(head.featureValue), p, data.labels?.[p.channel] ?? `class ${p.channel}`);
    }
    case 'other':
      return explainOther(plan, (name) => data.tensors[name], p);
  }
}
