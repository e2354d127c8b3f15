/**
 * The camera track's frames as a stream the worker can read itself (Chromium: a
 * MediaStreamTrackProcessor on the page, its stream transferred). The processor keeps only
 * the newest frame, so the worker takes a fresh frame the moment a run ends, and no frame
 * passes through the page. null where the browser has no such processor (Firefox, Safari):
 * the page then grabs frames from the preview (cameraController.ts).
 */
export function trackFrameStream(track: MediaStreamTrack): ReadableStream<VideoFrame> | null {
  if (typeof MediaStreamTrackProcessor !== 'function') return null;
  // TypeScript's lib (worker-only, as the spec has it) has no `track` in the init; Chromium's window does.
  const init = { track, maxBufferSize: 1 };
  try {
    return new MediaStreamTrackProcessor(init).readable as ReadableStream<VideoFrame>;
  } catch {
    return null;
  }
}
