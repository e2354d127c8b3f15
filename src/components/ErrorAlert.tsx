import { useAppStore, selectError, selectPhotoNotice } from '../store/store';

export function ErrorAlert() {
  const error = useAppStore(selectError);
  const notice = useAppStore(selectPhotoNotice);
  return (
    <>
      {error && (
        <div role="alert" className="alert">
          <span>{error}</span>
          <button type="button" className="alert__close" aria-label="Dismiss message" onClick={() => useAppStore.setState({ photoError: null, modelError: null })}>
            ×
          </button>
        </div>
      )}
      {notice && <p className="notice">{notice}</p>}
    </>
  );
}
