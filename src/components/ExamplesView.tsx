import { useEffect, useState } from 'react';
import { useCameraStore } from '../camera/cameraStore';
import { currentCameraFrame } from '../camera/cameraController';
import { encodePng } from '../camera/framePng';
import { examplesCsv } from '../examples/csv';
import { filesOfDrop } from '../examples/droppedFiles';
import {
  addExampleFiles,
  addExampleFrame,
  addSamples,
  cancelExamples,
  continueExamples,
  forgetExamplePhotos,
  openExamples,
  removeSamples,
  syncExamplesModel,
} from '../examples/examplesActions';
import { examplesProgress } from '../examples/examplesSlice';
import { skippedSummary } from '../examples/skipped';
import { useAppStore, selectCurrentTap } from '../store/store';
import { downloadBlob } from './DownloadLayerButton';
import { ExampleDialog } from './ExampleDialog';
import { examplePhotoName, ExampleTiles } from './ExampleTiles';
import { FileButton } from './FileButton';
import { useAtMostEvery } from './useAtMostEvery';
import { ChannelControls } from './ChannelControls';
import { SortControls } from './SortControls';
import { examplesPng } from '../examples/examplesPng';
import { InControlsSheet } from '../phone/InControlsSheet';
import './examples.css';

/** The photos of the collection: add, count, what was skipped, forget. */
function Collection() {
  const photos = useAppStore((s) => s.examplePhotos);
  const skipped = useAppStore((s) => s.exampleSkipped);
  const samplesRemoved = useAppStore((s) => s.examplesSamplesRemoved);
  const camera = useCameraStore((s) => s.state);
  const hasSamples = photos.some((p) => p.sampleId !== null);
  const summary = skippedSummary(skipped);
  return (
    <div className="examples__collection" role="group" aria-label="Photos for the examples">
      <FileButton label="Add photos" accept="image/*,.jpg,.jpeg,.png,.gif,.webp" multiple onFiles={(files) => void addExampleFiles(files)} />
      {camera === 'live' && (
        <button
          type="button"
          className="button"
          onClick={() => {
            const frame = currentCameraFrame();
            if (frame) void encodePng(frame).then(addExampleFrame);
          }}
        >
          Add camera frame
        </button>
      )}
      {hasSamples ? (
        <button type="button" className="chip" onClick={() => void removeSamples()}>
          Remove the samples
        </button>
      ) : (
        samplesRemoved && (
          <button type="button" className="chip" onClick={() => void addSamples()}>
            Add the samples
          </button>
        )
      )}
      <button type="button" className="chip" disabled={photos.length === 0 && skipped.length === 0} onClick={() => void forgetExamplePhotos()}>
        Forget photos
      </button>
      <p className="examples__count" data-testid="examples-count">
        {photos.length} {photos.length === 1 ? 'photo' : 'photos'}
        {summary && (
          <span className="examples__skipped" data-testid="examples-skipped">
            {' · '}
            {summary}
          </span>
        )}
      </p>
    </div>
  );
}

function Progress() {
  // Two numbers, selected one by one: a new object per read would re-render without end.
  const done = useAppStore((s) => examplesProgress(s).done);
  const total = useAppStore((s) => s.examplePhotos.length);
  const run = useAppStore((s) => s.examplesRun);
  const error = useAppStore((s) => s.examplesError);
  const busy = useAppStore((s) => s.examplesBusy);
  const text = `${done} of ${total} photos`;
  return (
    <div className="examples__progress" data-testid="examples-progress" data-busy={busy}>
      <progress aria-label="Finding examples" max={Math.max(1, total)} value={done} aria-valuetext={text} />
      <span>{text}</span>
      {run === 'running' && (
        <button type="button" className="chip" onClick={cancelExamples}>
          Cancel
        </button>
      )}
      {run === 'cancelled' && done < total && (
        <button type="button" className="button" onClick={continueExamples}>
          Continue
        </button>
      )}
      {error && (
        <p role="alert" className="examples__error">
          {error}
        </p>
      )}
    </div>
  );
}

function Downloads() {
  const results = useAppStore((s) => s.exampleResults);
  const tapName = useAppStore((s) => s.selectedTap);
  const state = results?.state ?? null;
  const names = () => new Map(useAppStore.getState().examplePhotos.map((p) => [p.id, examplePhotoName(p)]));
  return (
    <div className="toolbar__exports" role="group" aria-label="Export">
      <button
        type="button"
        className="chip"
        disabled={!state}
        onClick={() => {
          const n = names();
          if (state) downloadBlob(new Blob([examplesCsv(state, (id) => n.get(id) ?? String(id))], { type: 'text/csv' }), 'examples.csv');
        }}
      >
        Download examples (.csv)
      </button>
      <button
        type="button"
        className="chip"
        disabled={!state || !tapName}
        onClick={() => {
          const s = useAppStore.getState();
          if (state && tapName) void examplesPng(state, tapName, s).then((blob) => downloadBlob(blob, `examples-${tapName}.png`));
        }}
      >
        Download examples (.png)
      </button>
    </div>
  );
}

/** While examples are found, the mosaics follow at this pace (every batch would take the model's CPU). */
const MOSAICS_EVERY_MS = 1000;

/** The Examples view: a collection of photos, and for every channel the patches that excite it most. */
export function ExamplesView() {
  const ready = useAppStore((s) => s.examplesReady);
  const model = useAppStore((s) => s.model);
  const busy = useAppStore((s) => s.examplesBusy);
  const live = useAppStore((s) => s.exampleResults);
  const paced = useAtMostEvery(live, busy ? MOSAICS_EVERY_MS : 0);
  // The paced results only while they are an earlier moment of the same examples (not a forgotten or another model's).
  const results = paced && live?.state && paced.state && paced.modelKey === live.modelKey && paced.processed.size <= live.processed.size ? paced : live;
  const tap = useAppStore(selectCurrentTap);
  const [dragOver, setDragOver] = useState(false);
  const channel = useAppStore((s) => s.exampleChannel);
  const presenter = useAppStore((s) => s.presenter);

  useEffect(() => void openExamples(), []);
  useEffect(() => void syncExamplesModel(), [model]);

  const table = results?.state?.taps.find((t) => t.name === tap?.name) ?? null;
  return (
    <div
      className={`examples${dragOver ? ' examples--drag' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragOver(true);
      }}
      onDragLeave={() => setDragOver(false)}
      onDrop={(e) => {
        // Here a drop adds to the collection instead of replacing the photo.
        e.preventDefault();
        e.stopPropagation();
        setDragOver(false);
        void filesOfDrop(e.dataTransfer).then((files) => addExampleFiles(files));
      }}
    >
      {/* Presenter view: the mosaics and the progress alone. */}
      {!presenter && <Collection />}
      <Progress />
      {!presenter && (
        <InControlsSheet>
          <div className="toolbar">
            <ChannelControls />
            <SortControls />
            <Downloads />
          </div>
        </InControlsSheet>
      )}
      {!ready ? (
        <div className="grid-empty">Reading the kept photos…</div>
      ) : !table || !results?.state ? (
        <div className="grid-empty">The examples appear here as the photos go through the network. Drop photos or a folder here to add them.</div>
      ) : (
        <ExampleTiles table={table} k={results.state.k} tap={tap} onOpen={(c) => useAppStore.setState({ exampleChannel: c })} />
      )}
      {table && results?.state && channel !== null && channel < table.channels && <ExampleDialog table={table} k={results.state.k} channel={channel} tap={tap} />}
    </div>
  );
}
