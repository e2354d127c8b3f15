/**
 * Everything an explanation of one tap needs from the ONNX file, before any run: the plan,
 * the graph values to add as outputs (for this layer only), and the op's constants read from
 * the file (initializers, float16 widened, and small Constant nodes). Used by the worker and
 * by the tests that check explanations against onnxruntime.
 */
import { findClassHead, type ClassHead } from '../model/classHead';
import { readInitializers } from '../model/onnxInitializers';
import type { OnnxSummary } from '../model/onnxProto';
import { constantsNeeded, indexGraph, planExplanation, valuesNeeded, type ExplainPlan, type Layout } from './explainPlan';
import type { Tensor } from './explanation';
import { readConstantValues } from './onnxConstants';

export interface ExplainSetup {
  plan: ExplainPlan;
  /** Graph values to fetch in the run (the tensors just before the op). */
  values: string[];
  constants: Record<string, Tensor>;
  head: ClassHead | null;
}

export interface SetupOptions {
  /** The value is the class scores: explained through the class head. */
  isLogits?: boolean;
  /** Layout of `value` itself (taps are NCHW). */
  layout?: Layout;
}

export function setupExplanation(bytes: Uint8Array, summary: OnnxSummary, value: string, options: SetupOptions = {}): ExplainSetup {
  let plan = planExplanation(summary, value, options);
  let head: ClassHead | null = null;
  if (plan.kind === 'class-score') {
    const found = findClassHead(summary, value, (names) => readInitializers(bytes, names));
    if (found.ok) head = found.head;
    else plan = planExplanation(summary, value, { ...options, isLogits: false });
  }
  const g = indexGraph(summary);
  const names = constantsNeeded(plan);
  const stored = new Map(names.map((n) => [n, g.stored(n)]));
  const fromInitializers = readInitializers(bytes, new Set(stored.values()));
  const missing = names.filter((n) => !fromInitializers.has(stored.get(n)!));
  const fromConstants = missing.length > 0 ? readConstantValues(bytes) : new Map<string, Float32Array>();
  const constants: Record<string, Tensor> = {};
  for (const n of names) {
    const init = fromInitializers.get(stored.get(n)!);
    const c = fromConstants.get(stored.get(n)!);
    if (init) constants[n] = { dims: init.dims, data: init.data };
    else if (c) constants[n] = { dims: [c.length], data: c };
  }
  const values = head ? [head.featureValue] : valuesNeeded(plan);
  return { plan, values: [...new Set(values)], constants, head };
}
