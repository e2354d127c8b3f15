import { useEffect, useRef } from 'react';
import { attachVideo, chooseCamera, pauseCamera, resumeCamera, setMirror, startCamera, stopCamera, togglePause } from '../camera/cameraController';
import { useCameraStore } from '../camera/cameraStore';
import { useAppStore, selectModel } from '../store/store';
import { downloadBlob } from './DownloadLayerButton';
import '../camera/camera.css';

/** Space belongs to whatever has the focus when that is a control (a focused button clicks on Space itself). */
function ownsSpace(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, select, textarea, button, summary, [role="button"]') !== null;
}

/** Space pauses and resumes the camera while it is on. */
function useSpaceToPause(active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== ' ' || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || ownsSpace(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      e.preventDefault();
      togglePause();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}

/**
 * The live camera: start, stop, pause, choose and mirror it. Frames run through the same
 * pipeline as a dropped photo; the grid, overlay and predictions follow them live.
 */
export function CameraPanel() {
  const state = useCameraStore((s) => s.state);
  const devices = useCameraStore((s) => s.devices);
  const deviceId = useCameraStore((s) => s.deviceId);
  const mirror = useCameraStore((s) => s.mirror);
  const frozen = useCameraStore((s) => s.frozen);
  const model = useAppStore(selectModel);
  const frozenIsPhoto = useAppStore((s) => !!frozen && s.photos.main?.blob === frozen.blob);
  const videoRef = useRef<HTMLVideoElement>(null);
  const on = state !== 'off';
  useSpaceToPause(on);

  useEffect(() => {
    attachVideo(videoRef.current);
    return () => attachVideo(null);
  }, []);
  // Leaving the page (or unmounting the panel) lets the camera go.
  useEffect(() => () => void stopCamera(), []);

  return (
    <section className={`panel camera${on ? '' : ' camera--off'}`} aria-label="Camera">
      <h2>Camera</h2>
      {/* Always mounted, so the stream has somewhere to play the moment it arrives. */}
      <video
        ref={videoRef}
        className={`camera__video${mirror ? ' camera__video--mirror' : ''}`}
        hidden={state !== 'live' && state !== 'starting'}
        muted
        playsInline
        autoPlay
        aria-label="Camera preview"
        data-testid="camera-video"
      />
      <div className="camera__buttons">
        {!on && (
          <button type="button" className="button" disabled={!model} onClick={() => void startCamera()}>
            Use camera
          </button>
        )}
        {state === 'live' && (
          <button type="button" className="button" onClick={() => void pauseCamera()}>
            Pause
          </button>
        )}
        {state === 'paused' && (
          <button type="button" className="button" onClick={() => void resumeCamera()}>
            Resume
          </button>
        )}
        {on && (
          <button type="button" className="button button--secondary" onClick={() => void stopCamera()}>
            Stop camera
          </button>
        )}
        {frozen && frozenIsPhoto && (
          <button type="button" className="button button--secondary" onClick={() => downloadBlob(frozen.blob, frozen.name)}>
            Download frame (.png)
          </button>
        )}
      </div>
      {on && devices.length > 1 && (
        <label className="field">
          <span>Camera</span>
          <select aria-label="Camera" value={deviceId ?? ''} onChange={(e) => void chooseCamera(e.currentTarget.value)}>
            {devices.map((d) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {on && (
        <>
          <label className="camera__check">
            <input type="checkbox" checked={mirror} onChange={(e) => setMirror(e.currentTarget.checked)} /> Mirror
          </label>
          <p className="hint">
            Mirroring flips the frame the model sees, not only the preview: left and right swap and text reads backwards, so the numbers change.
          </p>
        </>
      )}
      <p className="hint">
        {state === 'paused'
          ? 'Paused: the last frame is now the photo, so every tool works on it. Space or Resume starts the camera again.'
          : state === 'live'
            ? 'Every frame goes through the same resize, crop and normalisation as a photo. Space pauses.'
            : 'Watch every layer respond live. Frames never leave this tab.'}
      </p>
    </section>
  );
}
