/**
 * What the *Why* view must say about the model before a teacher reads its maps as reasons.
 * One place, so the wording follows the manifest: `trained` false, and (optionally) a
 * `limitation` a manifest may carry (e.g. a model trained only on shapes).
 */
export function whyCaveat(manifest: { trained: boolean; limitation?: string | null }): string | null {
  const parts: string[] = [];
  if (!manifest.trained) {
    parts.push(
      'This model is untrained: its weights are random. These maps show exactly how those random weights respond to this photo; they explain nothing learned, and would look different for a trained model.',
    );
  }
  if (manifest.limitation) parts.push(manifest.limitation);
  return parts.length > 0 ? parts.join(' ') : null;
}
