/**
 * Stages and blocks of a foreign graph's taps read from their torch module paths, for
 * networks built as stem + numbered stages of numbered blocks (Hugging Face's ConvNeXt:
 * `convnext.embeddings`, `convnext.encoder.stages.1.layers.0.dwconv`; timm's:
 * `stem.0`, `stages.1.blocks.0.conv_dw`). Names beat spatial sizes here: a downsampling
 * layer's LayerNorm still runs at the previous stage's size but belongs to the next stage.
 */

export interface NamedPlace {
  /** 0 = stem, N + 1 = stages.N. */
  stage: number;
  /** Block index inside the stage (layers.M / blocks.M), null for stem and downsampling layers. */
  block: number | null;
}

const STAGE = /(?:^|\.)stages\.(\d+)(?:\.|$)/;
const BLOCK = /(?:^|\.)stages\.\d+\.(?:layers|blocks)\.(\d+)(?:\.|$)/;
const STEM = /(?:^|\.)(?:embeddings|stem)(?:\.|$)/;

export function placeOfModule(path: string): NamedPlace | null {
  const stage = STAGE.exec(path);
  if (stage) {
    const block = BLOCK.exec(path);
    return { stage: Number(stage[1]) + 1, block: block ? Number(block[1]) : null };
  }
  return STEM.test(path) ? { stage: 0, block: null } : null;
}

/** A tap is a block's output when its module is the block itself (the residual Add). */
export function isBlockOutput(path: string): boolean {
  return /(?:^|\.)stages\.\d+\.(?:layers|blocks)\.\d+$/.test(path);
}

/** A conv inside a downsampling layer (`downsampling_layer.1`, `downsample.1`). */
export function isDownsampling(path: string): boolean {
  return /(?:^|\.)(?:downsampling_layer|downsample)(?:\.|$)/.test(path);
}

/**
 * Places for every tap, or null unless every name has one and at least one is a stage
 * (then the caller falls back to grouping by spatial size). Group labels carry each
 * stage's output size: the size of its last tap.
 */
export function assignStagesByName(names: readonly string[], shapes: readonly (readonly number[])[]): (NamedPlace & { group: string })[] | null {
  const places = names.map(placeOfModule);
  if (places.some((p) => p === null) || !places.some((p) => p!.stage > 0)) return null;
  const sizeOf = new Map<number, string>();
  places.forEach((p, i) => sizeOf.set(p!.stage, `${shapes[i]![1] ?? 1}×${shapes[i]![2] ?? 1}`));
  return places.map((p) => ({ ...p!, group: `${p!.stage === 0 ? 'Stem' : `Stage ${p!.stage}`} · ${sizeOf.get(p!.stage)}` }));
}
