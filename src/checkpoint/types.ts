export type WeightDType = 'float32' | 'float16' | 'bfloat16';
/** One tensor of a checkpoint, converted to float32 (computed in float32 whatever it was stored as). */
export interface WeightTensor { name: string; dtype: WeightDType; shape: number[]; data: Float32Array }
export type WeightMap = Map<string, WeightTensor>;
/** A checkpoint that cannot be read: the message is shown to the user as it is (role=alert). */
export class CheckpointError extends Error { constructor(message: string) { super(message); this.name = 'CheckpointError'; } }
