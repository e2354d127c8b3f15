import { useRef, useState } from 'react';
import { toCanvas } from 'qrcode';

/** Side of the code on screen: large enough to scan from the back of a room off a projector. */
const QR_SIDE_PX = 480;

/**
 * *Show QR code*: the exact link of this view as a large QR code, drawn in the page by the
 * qrcode library (nothing is sent anywhere), so a class opens the teacher's view on their phones.
 * The link is read when the button is pressed: the address bar always holds the current view.
 */
export function ShareQrCode() {
  const dialog = useRef<HTMLDialogElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [link, setLink] = useState('');
  const [error, setError] = useState<string | null>(null);

  const open = () => {
    const href = location.href;
    setLink(href);
    setError(null);
    dialog.current?.showModal();
    if (!canvas.current) return;
    // Medium error correction: a code this size stays readable through a projector's blur.
    toCanvas(canvas.current, href, { width: QR_SIDE_PX, margin: 4, errorCorrectionLevel: 'M', color: { dark: '#000000', light: '#ffffff' } }).catch((e: unknown) =>
      setError(`Could not draw the QR code: ${e instanceof Error ? e.message : String(e)}`),
    );
  };

  return (
    <>
      <button type="button" className="button button--secondary" aria-haspopup="dialog" onClick={open}>
        Show QR code
      </button>
      <dialog ref={dialog} className="qr-dialog" aria-labelledby="qr-title">
        <div className="qr-dialog__head">
          <h2 id="qr-title">Scan to open this view</h2>
          <button type="button" className="button button--small" onClick={() => dialog.current?.close()}>
            Close
          </button>
        </div>
        <canvas ref={canvas} className="qr-dialog__code" role="img" aria-label="QR code of the link to this view" data-testid="qr-code" />
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        <p className="qr-dialog__link" data-testid="qr-link">
          {link}
        </p>
      </dialog>
    </>
  );
}
