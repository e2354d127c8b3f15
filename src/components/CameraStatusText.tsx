import { cameraStatusText, useCameraStore } from '../camera/cameraStore';

/** ` · camera · 9.8 fps · wasm` in the status line while the camera runs. */
export function CameraStatusText() {
  const text = useCameraStore(cameraStatusText);
  if (!text) return null;
  return (
    <>
      {' · '}
      <span data-testid="camera-rate">{text}</span>
    </>
  );
}
