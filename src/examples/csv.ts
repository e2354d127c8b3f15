/**
 * *Download examples (.csv)*: one row per tap, channel and rank, for every tap:
 * `tap,channel,rank,photo,row,col,value` (rank 1-9; row and column 0-based on the tap's own
 * grid; the photo by its file name or sample id). Values are written in full (a float32's
 * shortest decimal form), so the file compares with a reference to its last digit.
 */
import { channelExamples, type TopKState } from './topK';

/** A name as one CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function examplesCsv(state: TopKState, photoName: (id: number) => string): string {
  const lines = ['tap,channel,rank,photo,row,col,value'];
  for (const t of state.taps) {
    const tap = csvField(t.name);
    for (let c = 0; c < t.channels; c++) {
      for (const e of channelExamples(t, state.k, c)) lines.push(`${tap},${c},${e.rank},${csvField(photoName(e.photo))},${e.row},${e.col},${e.value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
