import { describe, expect, it } from 'vitest';
import { cameraErrorMessage, cameraFailureMessage, classifyCameraError } from './cameraErrors';
import { defaultMirror, preferredFacing, readRememberedCamera, rememberCamera, rememberedCamera, videoInputs } from './devices';
import { RateMeter } from './rate';
import { captureConstraints, captureSize } from './captureSize';

const domError = (name: string, message = '') => Object.assign(new Error(message), { name });

describe('camera errors', () => {
  it('names each getUserMedia failure', () => {
    expect(classifyCameraError(domError('NotAllowedError'))).toBe('denied');
    expect(classifyCameraError(domError('SecurityError'))).toBe('denied');
    expect(classifyCameraError(domError('NotFoundError'))).toBe('no-camera');
    expect(classifyCameraError(domError('OverconstrainedError'))).toBe('no-camera');
    expect(classifyCameraError(domError('NotReadableError'))).toBe('in-use');
    expect(classifyCameraError(domError('AbortError'))).toBe('in-use');
    expect(classifyCameraError(domError('TypeError'))).toBe('other');
    expect(classifyCameraError('weird')).toBe('other');
    // A DOMException-like object that is not an Error (older engines).
    expect(classifyCameraError({ name: 'NotAllowedError' })).toBe('denied');
  });

  it('says how to fix it', () => {
    expect(cameraErrorMessage(domError('NotAllowedError'))).toMatch(/address bar.*Allow/);
    expect(cameraErrorMessage(domError('NotFoundError'))).toMatch(/No camera was found/);
    expect(cameraErrorMessage(domError('NotReadableError'))).toMatch(/another application/);
    expect(cameraErrorMessage(domError('TypeError', 'bad constraints'))).toBe('The camera could not start: bad constraints');
    expect(cameraFailureMessage('ended')).toMatch(/unplugged/);
    expect(cameraFailureMessage('insecure')).toMatch(/https:\/\/.*localhost/);
  });
});

describe('camera devices', () => {
  const devices = [
    { kind: 'audioinput' as const, deviceId: 'mic', label: 'Mic' },
    { kind: 'videoinput' as const, deviceId: 'a', label: 'Front' },
    { kind: 'videoinput' as const, deviceId: 'b', label: '' },
    { kind: 'videoinput' as const, deviceId: '', label: '' },
  ];

  it('lists video inputs, numbering unnamed ones', () => {
    expect(videoInputs(devices)).toEqual([
      { deviceId: 'a', label: 'Front' },
      { deviceId: 'b', label: 'Camera 2' },
    ]);
  });

  it('uses the remembered camera only when it is present', () => {
    const cams = videoInputs(devices);
    expect(rememberedCamera(cams, 'b')).toBe('b');
    expect(rememberedCamera(cams, 'gone')).toBeNull();
    expect(rememberedCamera(cams, null)).toBeNull();
  });

  it('remembers a choice in storage, and survives storage that throws', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    rememberCamera('b', storage);
    expect(readRememberedCamera(storage)).toBe('b');
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => rememberCamera('b', broken)).not.toThrow();
    expect(readRememberedCamera(broken)).toBeNull();
  });

  it('mirrors unless the camera faces away', () => {
    expect(defaultMirror('user')).toBe(true);
    expect(defaultMirror(undefined)).toBe(true);
    expect(defaultMirror('environment')).toBe(false);
    // The back camera asked for: what the camera reports wins, else it is taken to face away.
    expect(defaultMirror(undefined, 'environment')).toBe(false);
    expect(defaultMirror('user', 'environment')).toBe(true);
    expect(defaultMirror('environment', null)).toBe(false);
  });

  it('asks for the back camera on a touch device unless a camera was chosen', () => {
    expect(preferredFacing(true, null)).toBe('environment');
    expect(preferredFacing(true, 'remembered-id')).toBeNull();
    expect(preferredFacing(false, null)).toBeNull();
  });
});

describe('RateMeter', () => {
  it('measures a steady rate', () => {
    const m = new RateMeter();
    for (let t = 0; t <= 3000; t += 100) m.tick(t);
    expect(m.rate(3000)).toBeCloseTo(10, 6);
  });

  it('follows a change of rate within about a second', () => {
    const m = new RateMeter();
    let t = 0;
    for (; t < 2000; t += 50) m.tick(t); // 20 fps
    for (; t < 4000; t += 250) m.tick(t); // then 4 fps
    expect(m.rate(t - 250)).toBeCloseTo(4, 0);
  });

  it('is 0 with fewer than two frames, and after a reset', () => {
    const m = new RateMeter();
    expect(m.rate(0)).toBe(0);
    m.tick(10);
    expect(m.rate(10)).toBe(0);
    m.tick(110);
    expect(m.rate(110)).toBe(10);
    m.reset();
    expect(m.rate(200)).toBe(0);
  });
});

describe('camera capture size', () => {
  it('asks for the smallest 4:3 frame that covers the model resize', () => {
    expect(captureSize(236)).toEqual({ width: 320, height: 240 });
    expect(captureSize(256)).toEqual({ width: 342, height: 256 });
    expect(captureSize(224)).toEqual({ width: 300, height: 224 });
    expect(captureSize(480)).toEqual({ width: 640, height: 480 });
    const { height, width } = captureSize(384);
    expect(height).toBeGreaterThanOrEqual(384);
    expect(width * 3).toBeGreaterThanOrEqual(height * 4);
  });

  it('makes ideal constraints, 640×480 without a model', () => {
    expect(captureConstraints(236)).toEqual({ width: { ideal: 320 }, height: { ideal: 240 } });
    expect(captureConstraints(undefined)).toEqual({ width: { ideal: 640 }, height: { ideal: 480 } });
  });
});
