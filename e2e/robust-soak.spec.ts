/**
 * Issue 7: a whole lesson of photos must not grow memory. `npm run soak` runs 200
 * photos; the default test run does SOAK_RUNS=30 (same measurement, same bound).
 * Memory is read after a forced garbage collection after run 10 (warm: every code
 * path and buffer size seen once) and after the last run, from the browser itself:
 * the page's JS heap and the worker's JS heap over CDP, onnxruntime's WebAssembly
 * memory from the worker (src/worker/wasmMemory.ts).
 */
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { photoFile, samplePath, waitForModel, waitForResult } from './helpers';
import { generated, workerStats } from './robust-helpers';

const RUNS = Number(process.env.SOAK_RUNS ?? 30);
const WARM_RUN = 10;
const MAX_GROWTH = 0.05;

/** CDP commands to the inference worker, through the browser session (Playwright gives workers no CDP session of their own). */
async function workerCdp(page: Page): Promise<(method: string) => Promise<Record<string, unknown>>> {
  const browserSession: CDPSession = await page.context().browser()!.newBrowserCDPSession();
  const { targetInfos } = (await browserSession.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string; title: string }[] };
  const target = targetInfos.find((t) => t.type === 'worker' && /inference\.worker/.test(t.url) && !/em-pthread/.test(t.title));
  if (!target) throw new Error(`inference worker target not found among ${targetInfos.map((t) => `${t.type} ${t.title}`).join(', ')}`);
  const { sessionId } = (await browserSession.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
  let nextId = 1;
  const waiting = new Map<number, (r: Record<string, unknown>) => void>();
  browserSession.on('Target.receivedMessageFromTarget', (e: { sessionId: string; message: string }) => {
    if (e.sessionId !== sessionId) return;
    const reply = JSON.parse(e.message) as { id?: number; result?: Record<string, unknown> };
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply.result ?? {});
  });
  return (method) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      void browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    });
}

interface Sample {
  /** JS heap plus ArrayBuffer backing stores (where the tensors of a result live). */
  pageHeap: number;
  workerHeap: number;
  wasm: number;
  nodes: number;
}

async function measure(page: Page, pageCdp: CDPSession, worker: (method: string) => Promise<Record<string, unknown>>): Promise<Sample> {
  await worker('HeapProfiler.collectGarbage');
  await pageCdp.send('HeapProfiler.collectGarbage');
  const heapOf = (u: Record<string, unknown>) => (u.usedSize as number) + ((u.backingStorageSize as number | undefined) ?? 0);
  const pageHeap = heapOf(await pageCdp.send('Runtime.getHeapUsage'));
  const workerHeap = heapOf(await worker('Runtime.getHeapUsage'));
  const metrics = (await pageCdp.send('Performance.getMetrics')).metrics;
  const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? 0;
  return { pageHeap, workerHeap, wasm: (await workerStats(page)).wasmMemoryBytes, nodes };
}

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const growth = (a: number, b: number) => (b - a) / a;

test(`memory stays flat over ${RUNS} photos in a row`, async ({ page }) => {
  test.setTimeout(60_000 + RUNS * 15_000);
  const photos = [
    ...['coffee.png', 'chelsea.png', 'rocket.jpg', 'astronaut.png'].map((f) => photoFile(samplePath(f))),
    ...['greyscale.jpg', 'cmyk.jpg', 'phone-exif-rotated.jpg', 'transparent.png', 'animated.gif'].map((f) => generated(f)),
  ];
  await page.goto('./?debug=1');
  await waitForModel(page);
  // The files are sent into the page once; each run is then one drop event.
  await page.evaluate((items) => {
    (window as unknown as { __soak: File[] }).__soak = items.map(
      (f) => new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }),
    );
  }, photos.map((p) => ({ name: p.name, type: p.mimeType, base64: p.buffer.toString('base64') })));
  const pageCdp = await page.context().newCDPSession(page);
  await pageCdp.send('Performance.enable');
  const worker = await workerCdp(page);

  let warm: Sample | null = null;
  const started = Date.now();
  for (let run = 1; run <= RUNS; run++) {
    const name = `soak-${run}-${photos[run % photos.length]!.name}`;
    await page.evaluate(
      ([index, as]) => {
        const f = (window as unknown as { __soak: File[] }).__soak[index as number]!;
        const dt = new DataTransfer();
        dt.items.add(new File([f], as as string, { type: f.type }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      [run % photos.length, name],
    );
    await waitForResult(page, name);
    if (run === WARM_RUN) warm = await measure(page, pageCdp, worker);
  }
  const last = await measure(page, pageCdp, worker);
  const w = warm!;
  const report = [
    `${RUNS} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    `page JS heap + ArrayBuffers   run ${WARM_RUN}: ${mb(w.pageHeap)}  run ${RUNS}: ${mb(last.pageHeap)}  growth ${(growth(w.pageHeap, last.pageHeap) * 100).toFixed(2)}%`,
    `worker JS heap + ArrayBuffers run ${WARM_RUN}: ${mb(w.workerHeap)}  run ${RUNS}: ${mb(last.workerHeap)}  growth ${(growth(w.workerHeap, last.workerHeap) * 100).toFixed(2)}%`,
    `WASM memory                   run ${WARM_RUN}: ${mb(w.wasm)}  run ${RUNS}: ${mb(last.wasm)}  growth ${(growth(w.wasm, last.wasm) * 100).toFixed(2)}%`,
    `DOM nodes                     run ${WARM_RUN}: ${w.nodes}  run ${RUNS}: ${last.nodes}`,
  ].join('\n');
  console.log(report);
  test.info().annotations.push({ type: 'memory', description: report });
  expect(growth(w.pageHeap, last.pageHeap), 'page JS heap growth').toBeLessThan(MAX_GROWTH);
  expect(growth(w.workerHeap, last.workerHeap), 'worker JS heap growth').toBeLessThan(MAX_GROWTH);
  expect(growth(w.wasm, last.wasm), 'WASM memory growth').toBeLessThan(MAX_GROWTH);
});
