// The bench's table: one row a figure, with its ratio and its target.
import { OCCLUSION, fmt, opts } from './lib.mjs';

/** Rows of [model, figure, value, ratio, target] for every model measured. */
export function reportRows(results) {
  const rows = [];
  for (const [id, r] of Object.entries(results.models)) {
    const a = r.app;
    const c = r.camera;
    if (c) {
      const bareMs = (c.bareBefore + c.bareAfter) / 2;
      const ratio = c.fps / (1000 / bareMs);
      // The same ratio against the run time of the very frames counted: immune to the machine's
      // load changing between the bare run and the camera run.
      const inRun = c.fps / (1000 / c.split.inferenceMs);
      rows.push(
        [id, `camera: sustained rate, ${c.frameSize} frames ${opts.cameraFrom}→${opts.cameraTo} (${c.frames} in ${fmt(c.seconds, 1)} s)`, `${fmt(c.fps, 2)} fps`, `×${fmt(ratio, 2)} of 1000 / bare (${fmt(1000 / bareMs, 2)}; bare ${fmt(c.bareBefore)} ms before, ${fmt(c.bareAfter)} ms after)`, `target ≥ 0.85: ${ratio >= 0.85 ? 'met' : 'not met'}`],
        [id, '  the same against those frames’ own session.run (+ tap copies)', `×${fmt(inRun, 2)}`, `1000 / ${fmt(c.split.inferenceMs)} ms = ${fmt(1000 / c.split.inferenceMs, 2)} fps`, ''],
        [id, '  per frame: grab / pixels+mirror / preprocess / session.run / result → painted', `${fmt(c.split.grabMs, 1)} / ${fmt(c.split.decodeMs, 1)} / ${fmt(c.split.preprocessMs, 1)} / ${fmt(c.split.inferenceMs)} / ${fmt(c.split.paintMs, 1)} ms`, `grab → in store ${fmt(c.split.totalMs)} ms; ${c.dropped} frames closed unsent`, ''],
        [id, '  longest main-thread task while the camera runs', c.longestTaskMs ? `${fmt(c.longestTaskMs)} ms` : 'none ≥ 50 ms', `${c.longTasks} tasks ≥ 50 ms in ${c.frames} frames`, 'target < 50 ms'],
        [id, '  grid repaint while the camera runs', c.repaintP95 === null ? 'n/a' : `p95 ${fmt(c.repaintP95, 1)} ms`, '', 'target p95 ≤ 16 ms'],
        [id, `  memory, frame ${opts.cameraFrom} → ${opts.cameraTo}: page + worker, live JS heap and buffers`, `${(c.memoryFrom.live / 2 ** 20).toFixed(1)} → ${(c.memoryTo.live / 2 ** 20).toFixed(1)} MiB`, `growth ${fmt(c.memoryGrowth * 100, 1)}% (median of 7, after collection)`, 'target < 5%'],
        [id, '  memory, the app renderer process (WASM included)', `${(c.memoryFrom.process / 2 ** 20).toFixed(0)} → ${(c.memoryTo.process / 2 ** 20).toFixed(0)} MiB`, `growth ${fmt(c.processGrowth * 100, 1)}% (RssAnon, median of 7)`, 'target < 5%'],
      );
    }
    if (!a) {
      rows.push([id, 'bare onnxruntime-web session.run (worker, app settings)', `${fmt(r.bare.median)} ms`, `${r.bare.threads} threads, ${r.bare.outputs} outputs`, '']);
      continue;
    }
    rows.push(
      [id, 'bare onnxruntime-web session.run (worker, app settings)', `${fmt(r.bare.median)} ms`, `${r.bare.threads} threads, ${r.bare.outputs} outputs; create ${fmt(r.bare.createMs)} ms`, ''],
      ...Object.values(r.variants).map((v) => [id, `  variant: ${v.label}`, `${fmt(v.median)} ms`, `×${fmt(v.median / r.bare.median, 2)} of bare; create ${fmt(v.createMs)} ms`, '']),
      [id, 'app: photo dropped → last tile painted', `${fmt(a.appMedian)} ms`, `×${fmt(a.appMedian / r.bare.median, 2)} of bare`, 'target ≤ 1.15'],
      [id, 'app: photo dropped → first tile painted', `${fmt(a.firstTileMedian)} ms`, `×${fmt(a.firstTileMedian / r.bare.median, 2)} of bare`, ''],
      [id, '  of which decode / preprocess / session.run in the worker', `${fmt(a.breakdown.decodeMs)} / ${fmt(a.breakdown.preprocessMs)} / ${fmt(a.breakdown.inferenceMs)} ms`, '', ''],
      [id, '  of which result back on the page / result → painted', `${fmt(a.breakdown.resultMs)} / ${fmt(a.breakdown.paintMs)} ms`, '', ''],
      [id, `onnxruntime-node native (${r.bare.threads} threads / 1 thread)`, `${fmt(r.native)} / ${fmt(r.native1)} ms`, `web/native ×${fmt(r.bare.median / r.native, 2)}`, 'target ≤ 3'],
      [id, `grid repaint, ${a.largestLayer}, all channels`, `p50 ${fmt(a.repaintP50, 1)} / p95 ${fmt(a.repaintP95, 1)} ms`, '', 'target p95 ≤ 16 ms'],
      [id, 'frames per second while dragging First channel', `${fmt(a.dragFps)} fps`, `${a.paintsDuringDrag} repaints`, 'target ≥ 50'],
      [id, 'longest main-thread task during runs', a.longestTaskMs ? `${fmt(a.longestTaskMs)} ms` : 'none ≥ 50 ms', '', 'target < 50 ms'],
      [id, 'ready: first visit / reload (cached)', `${fmt(a.firstReadyMs)} / ${fmt(a.cachedReadyMs)} ms`, `download ${(a.downloadBytes / 1e6).toFixed(1)} MB`, ''],
      [id, 'peak memory (JS heap + WASM, page + workers)', `${(a.memoryBytes / 2 ** 20).toFixed(0)} MiB`, `growth ${fmt(a.memoryGrowth * 100, 1)}% over ${opts.runs} runs`, ''],
    );
    const f = r.filters;
    if (f) rows.push([id, `Filters view: ${f.tap}, ${f.outputs}×${f.inputs} ${f.kind} drawn`, `${fmt(f.paintMs)} ms`, `first request → drawn ${fmt(f.firstRequestMs)} ms (weight read in the worker)`, 'target ≤ 100 ms']);
    const x = r.explain;
    if (x) rows.push([id, `How this value is computed: ${x.picks} positions of ${x.tap} picked (arrow, Enter)`, `${fmt(x.pickMs)} ms`, `Enter → value shown; worst ${fmt(x.worstPickMs)} ms; longest task ${x.longestTaskMs ? `${fmt(x.longestTaskMs)} ms` : 'none ≥ 50 ms'}`, 'target: no task ≥ 50 ms']);
    const e = r.examples;
    if (e) {
      const s = e.rate.perPhoto;
      // The bare run right before and after the Examples pass, in the same browser.
      const examplesBare = (e.rate.bareBefore + e.rate.bareAfter) / 2;
      rows.push(
        [id, `Examples: ${e.rate.photos} photos added → every tap's top 9 found`, `${fmt(e.rate.photosPerSecond, 2)} photos/s`, `×${fmt(e.rate.photosPerSecond / (1000 / examplesBare), 2)} of 1000 / bare (${fmt(1000 / examplesBare, 2)}; bare ${fmt(e.rate.bareBefore)} ms before, ${fmt(e.rate.bareAfter)} ms after)`, `target ≥ 0.85: ${e.rate.photosPerSecond / (1000 / examplesBare) >= 0.85 ? 'met' : 'not met'}`],
        [id, '  per photo: decode / preprocess / session.run / top-k bookkeeping / the rest', `${fmt(s.decode, 1)} / ${fmt(s.preprocess, 1)} / ${fmt(s.run, 1)} / ${fmt(s.bookkeeping, 1)} / ${fmt(s.rest, 1)} ms`, `${e.rate.fromStats} of ${e.rate.photos} from the model's own statistics; the rest: files, crops, messages, the page`, ''],
      );
      const longest = (r) => (r.longTasks ? `${r.longTasks} ≥ 50 ms, longest ${fmt(r.longestTaskMs)} ms` : 'none ≥ 50 ms');
      rows.push([id, '  longest main-thread task while the folder is added and its examples found', longest(e.rate), e.memory ? `1000 photos: ${longest(e.memory)}` : '', 'target < 50 ms']);
      if (e.memory) rows.push([id, `  memory, ${e.memory.photos} photos: the app renderer (RssAnon) before → peak`, `${(e.memory.rssBefore / 2 ** 20).toFixed(0)} → ${(e.memory.rssPeak / 2 ** 20).toFixed(0)} MiB`, `+${((e.memory.rssPeak - e.memory.rssBefore) / 2 ** 20).toFixed(0)} MiB; ${fmt(e.memory.photosPerSecond, 2)} photos/s`, 'target < +300 MB']);
    }
    const o = r.occlusion;
    if (o) {
      rows.push(
        [id, `occlusion P=${OCCLUSION.patch} S=${OCCLUSION.stride} (${OCCLUSION.count} inputs): app, Run → map shown`, `${fmt(o.appMs)} ms`, `×${fmt(o.appMs / o.unbatchedMs, 2)} of ${OCCLUSION.count} × bare run`, 'target ≤ 1.1'],
        [id, `  ${OCCLUSION.count} × bare session.run, batch 1, logits only`, `${fmt(o.unbatchedMs)} ms`, `${fmt(o.unbatchedMs / OCCLUSION.count, 1)} ms each`, ''],
        [id, `  bare, batched ${OCCLUSION.batch} per session.run (${o.batchedRuns} runs)`, `${fmt(o.batchedMs)} ms`, `batching ×${fmt(o.unbatchedMs / o.batchedMs, 2)} faster`, ''],
      );
    }
  }
  const k = results.checkpoint;
  if (k) {
    const MB = (b) => (b / 1e6).toFixed(1);
    for (const c of k.create) {
      rows.push(
        ['checkpoint', `${c.shape}: checkpoint bytes → session ready (${c.taps} taps)`, `${fmt(c.checkpointMs)} ms`, `×${fmt(c.checkpointMs / c.exportedCreateMs, 2)} of create on its torch.onnx export (${fmt(c.exportedCreateMs)} ms); read / build / create ${fmt(c.readMs)} / ${fmt(c.buildMs)} / ${fmt(c.createOnlyMs)} ms`, 'target ≤ 1.3'],
        ['checkpoint', `  ${c.shape}: bytes held when the build ends (file, tensors, ONNX)`, `${MB(c.heldBytes)} MB`, `×${fmt(c.heldBytes / c.weightBytes, 2)} of the ${MB(c.weightBytes)} MB of float32 weights`, 'target ≤ 2.5'],
      );
    }
    const bundled = Object.values(results.models)[0]?.app?.appMedian;
    rows.push(['checkpoint', `  app: ${k.app.shape} built in the page, photo dropped → last tile painted`, `${fmt(k.app.appMedian)} ms`, `×${fmt(k.app.appMedian / bundled, 2)} of the bundled ${Object.keys(results.models)[0]}'s`, 'target ≤ 1.1']);
    if (k.app.inferenceMs !== undefined) rows.push(['checkpoint', `    of which decode / preprocess / session.run in the worker / result → painted (${k.app.taps} layers)`, `${fmt(k.app.decodeMs)} / ${fmt(k.app.preprocessMs)} / ${fmt(k.app.inferenceMs)} / ${fmt(k.app.paintMs)} ms`, '', '']);
  }
  const p = results.peer;
  if (p) {
    rows.push(
      ['peer', `transformers.js image-classification, classify(photo), ${p.shape} (Hub layout)`, `${fmt(p.peerMs)} ms`, `${p.peerThreads} threads; load ${fmt(p.peerLoadMs)} ms; top-1 ${p.peerTop1}`, ''],
      ['peer', '  ConvLens on the same file: photo dropped → first tile painted', `${fmt(p.firstTileMs)} ms`, `×${fmt(p.firstTileMs / p.peerMs, 2)} of the peer`, 'target ≤ 1.0'],
      ['peer', '  ConvLens: → last tile painted / of which decode, session.run', `${fmt(p.lastTileMs)} ms`, `${fmt(p.decodeMs)} / ${fmt(p.inferenceMs)} ms`, ''],
    );
  }
  return rows;
}

export function printTable(rows) {
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join(' | '));
}
