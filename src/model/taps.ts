/** How the layer picker groups and labels the manifest's taps. */
import type { Manifest, Tap, TapKind } from './manifest';

export interface TapGroup {
  stage: number;
  label: string;
  taps: Tap[];
}

export function stageLabel(stage: number): string {
  if (stage === 0) return 'Stem';
  if (stage >= 5) return 'Head';
  return `Stage ${stage}`;
}

/** Groups taps by stage in manifest order, so optgroups follow the data flow. */
export function groupTapsByStage(taps: readonly Tap[]): TapGroup[] {
  const groups: TapGroup[] = [];
  for (const tap of taps) {
    let group = groups.find((g) => g.stage === tap.stage);
    if (!group) {
      group = { stage: tap.stage, label: tap.group ?? stageLabel(tap.stage), taps: [] };
      groups.push(group);
    }
    group.taps.push(tap);
  }
  return groups.sort((a, b) => a.stage - b.stage);
}

const KIND_LABEL: Record<TapKind, string> = {
  conv: 'conv',
  norm: 'norm',
  depthwise: 'depthwise 7×7',
  gelu: 'GELU',
  block: 'block out',
  downsample: 'downsample',
  pool: 'pool',
  logits: 'logits',
  activation: 'activation',
  add: 'add',
  other: 'map',
};

export function kindLabel(kind: TapKind): string {
  return KIND_LABEL[kind];
}

export function shapeLabel(shape: readonly number[]): string {
  return shape.join('×');
}

/** Visible text of a picker option: torchvision name, kind and shape. */
export function tapOptionLabel(tap: Tap): string {
  // A derived tap's op type (Relu, HardSwish, Add) says more than its coarse kind.
  return `${tap.name} · ${tap.op ?? kindLabel(tap.kind)} · ${shapeLabel(tap.shape)}`;
}

/** Taps that are spatial maps worth drawing as channel grids. */
export function isMapTap(tap: Tap): boolean {
  return tap.shape.length === 3;
}

/** The layer shown first: the stem conv, as in the tutorial. */
export function defaultTap(manifest: Manifest): Tap {
  return manifest.taps.find(isMapTap) ?? manifest.taps[0]!;
}

/**
 * The class scores, found by their kind: never by name (a foreign model's head can be called
 * anything) or by position (a manifest may list taps after them). null: a model without a head.
 */
export function logitsTap(manifest: Pick<Manifest, 'taps'>): Tap | null {
  return manifest.taps.findLast((t) => t.kind === 'logits') ?? null;
}

/** The graph value onnxruntime returns a tap under: a derived tap's `output`, else its name. */
export function tapOutputName(tap: Tap): string {
  return tap.output ?? tap.name;
}
