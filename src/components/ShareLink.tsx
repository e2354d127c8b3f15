import { useState } from 'react';
import { useAppStore, selectActivations } from '../store/store';
import { ShareQrCode } from './ShareQrCode';

/** Copies the link that restores this view, and says when the photo cannot travel with it. */
export function ShareLink() {
  const activations = useAppStore(selectActivations);
  const [message, setMessage] = useState<string | null>(null);
  const ownPhoto = !!activations && activations.sampleId === null;
  return (
    <div className="share">
      <button
        type="button"
        className="button button--secondary"
        onClick={() => {
          const link = location.href;
          navigator.clipboard
            .writeText(link)
            .then(() => setMessage('Link copied: it restores this layer, channels and colours.'))
            .catch(() => setMessage(`Copy this link: ${link}`));
        }}
      >
        Copy link to this view
      </button>
      <ShareQrCode />
      {message && (
        <span className="hint" role="status">
          {message}
        </span>
      )}
      {ownPhoto && (
        <p className="hint share__note" data-testid="own-photo-note">
          Your own photo ({activations.photoName}) cannot travel in a link: it never leaves this browser. The link keeps the layer and settings; pick a sample
          photo to share the whole view.
        </p>
      )}
    </div>
  );
}
