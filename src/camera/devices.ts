/**
 * Choosing a camera: the one remembered from last time if it is still there, and
 * whether to mirror it by default (a front camera shows you as a mirror would).
 */
export const CAMERA_STORAGE_KEY = 'convlens.camera';

export interface CameraDevice {
  deviceId: string;
  label: string;
}

/** Video inputs only; unnamed ones (before permission is given) are numbered. */
export function videoInputs(devices: readonly Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[]): CameraDevice[] {
  return devices
    .filter((d) => d.kind === 'videoinput' && d.deviceId !== '')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

/** The remembered camera when it is among those present, else null (the browser's default). */
export function rememberedCamera(devices: readonly CameraDevice[], remembered: string | null): string | null {
  return remembered !== null && devices.some((d) => d.deviceId === remembered) ? remembered : null;
}

/**
 * Mirror by default unless the camera faces away. Laptop webcams rarely report a facingMode
 * at all, and they face the user; a camera that reports none after the back camera was asked
 * for (a phone whose browser does not say) is taken to be the one asked for.
 */
export function defaultMirror(facingMode: string | undefined, askedFor: FacingMode | null = null): boolean {
  return (facingMode ?? askedFor) !== 'environment';
}

export type FacingMode = 'environment' | 'user';

/**
 * Which way the camera should face when no camera was chosen: on a phone or tablet (a coarse
 * primary pointer) the back camera, pointed at things on the desk; elsewhere the browser's
 * default (a laptop's only camera faces the user). A remembered choice always wins.
 */
export function preferredFacing(coarsePointer: boolean, remembered: string | null): FacingMode | null {
  return coarsePointer && remembered === null ? 'environment' : null;
}

export function readRememberedCamera(storage: Pick<Storage, 'getItem'> | null = safeStorage()): string | null {
  try {
    return storage?.getItem(CAMERA_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function rememberCamera(deviceId: string, storage: Pick<Storage, 'setItem'> | null = safeStorage()): void {
  try {
    storage?.setItem(CAMERA_STORAGE_KEY, deviceId);
  } catch {
    // storage off (private mode): the choice lasts for this visit only
  }
}

function safeStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}
