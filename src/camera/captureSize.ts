/**
 * The frame size the camera is asked for: just big enough for the model's resize. The model
 * only ever sees a `resizeSize` square of the frame's centre (shorter side resized to it, then
 * cropped), so a 640×480 or 1280×720 frame would be converted, transferred, shown and shrunk
 * again on every frame for nothing: the browser scales it down in its capture pipeline
 * instead (Chromium's default resizeMode crops and scales to the ideal size, and never
 * scales up, so a smaller camera stays as it is). On two cores this is what leaves the
 * model its time (docs/camera.md). 4:3 like most camera modes; the sides a 16:9 camera
 * loses to the crop lie outside the model's square anyway.
 */
export interface CaptureSize {
  width: number;
  height: number;
}

/** Shorter side: resizeSize rounded up to a multiple of 16 (camera modes and YUV 4:2:0 like even sizes). */
export function captureSize(resizeSize: number): CaptureSize {
  const height = Math.max(16, Math.ceil(resizeSize / 16) * 16);
  const width = Math.ceil((height * 4) / 3 / 2) * 2;
  return { width, height };
}

/** getUserMedia video constraints for that size ('ideal': a camera without it still starts). */
export function captureConstraints(resizeSize: number | undefined): MediaTrackConstraints {
  const { width, height } = captureSize(resizeSize ?? 480);
  return { width: { ideal: width }, height: { ideal: height } };
}
