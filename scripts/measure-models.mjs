#!/usr/bin/env node
// Measures what each model option costs: file size, and CPU time per photo (all taps fetched,
// as the app does) with onnxruntime-node. For the README's table; numbers depend on the machine.
// Usage: node scripts/measure-models.mjs DIR [DIR...]   (each DIR holds model.onnx + manifest.json)
import { readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const THREADS = Number(process.env.THREADS ?? 2);
const RUNS = Number(process.env.RUNS ?? 5);

for (const dir of process.argv.slice(2)) {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const file = join(dir, manifest.file.name);
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: THREADS, graphOptimizationLevel: 'all' });
  const createMs = performance.now() - t0;
  const input = new ort.Tensor('float32', new Float32Array(3 * 224 * 224).fill(0.5), manifest.input.shape);
  await session.run({ [manifest.input.name]: input }); // warm-up
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await session.run({ [manifest.input.name]: input });
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const mb = statSync(file).size / 1e6;
  console.log(`${manifest.id}\t${mb.toFixed(1)} MB\tsession ${createMs.toFixed(0)} ms\tmedian run ${times[Math.floor(RUNS / 2)].toFixed(0)} ms (${THREADS} threads, ${cpus()[0]?.model ?? 'cpu'})`);
  await session.release();
}
