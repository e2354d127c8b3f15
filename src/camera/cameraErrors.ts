/**
 * What to tell someone whose camera did not start or stopped, from the error
 * getUserMedia gave (DOMException names from the Media Capture spec). Pure, so every
 * case is tested without a camera.
 */
import { errorText } from '../app/errorText';

export type CameraFailure = 'denied' | 'no-camera' | 'in-use' | 'ended' | 'insecure' | 'unsupported' | 'other';

export function classifyCameraError(e: unknown): CameraFailure {
  const name = e instanceof Error || (typeof e === 'object' && e !== null && 'name' in e) ? String((e as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError': // old Chrome
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError': // the remembered camera is gone
      return 'no-camera';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'in-use';
    default:
      return 'other';
  }
}

export function cameraFailureMessage(failure: CameraFailure, detail = ''): string {
  switch (failure) {
    case 'denied':
      return 'The camera is blocked for this page. To allow it, click the camera or site-settings icon at the left of the address bar, set Camera to Allow, then press Use camera again.';
    case 'no-camera':
      return 'No camera was found. Connect one (or enable it in the system settings) and press Use camera again.';
    case 'in-use':
      return 'The camera could not start: another application (a video call?) may be using it. Close that application and press Use camera again.';
    case 'ended':
      return 'The camera stopped sending video (was it unplugged?). The last frame stays as the photo; press Use camera to start again.';
    case 'insecure':
      return 'The camera needs a secure page: open ConvLens over https:// or on http://localhost.';
    case 'unsupported':
      return 'This browser offers no camera access (navigator.mediaDevices is missing).';
    case 'other':
      return `The camera could not start${detail ? `: ${detail}` : '.'}`;
  }
}

export function cameraErrorMessage(e: unknown): string {
  const failure = classifyCameraError(e);
  return cameraFailureMessage(failure, failure === 'other' ? errorText(e) : '');
}
