import { useGlobalPhotoDrop } from './useGlobalPhotoDrop';
import { StatusLine } from './StatusLine';
import { ErrorAlert } from './ErrorAlert';
import { PhotoPanel } from './PhotoPanel';
import { Predictions } from './Predictions';
import { LayerPicker } from './LayerPicker';
import { ChannelControls } from './ChannelControls';
import { ChannelGrid } from './ChannelGrid';
import { ColourBar } from './ColourBar';
import { AboutDialog } from './AboutDialog';
import { DownloadLayerButton } from './DownloadLayerButton';
import { ModelPanel } from './ModelPanel';

export function App() {
  const dragging = useGlobalPhotoDrop();
  return (
    <div className={`app${dragging ? ' app--dragging' : ''}`}>
      <header className="app__header">
        <div className="brand">
          <h1>ConvLens</h1>
          <p className="tagline">See what each layer of a ConvNeXt sees, in your browser. Nothing leaves this tab.</p>
        </div>
        <AboutDialog />
      </header>
      <StatusLine />
      <ErrorAlert />
      <main className="app__main">
        <aside className="app__side">
          <PhotoPanel />
          <Predictions />
          <ModelPanel />
        </aside>
        <section className="app__layers" aria-label="Activations">
          <div className="controls">
            <LayerPicker />
            <ChannelControls />
            <div className="controls__row">
              <ColourBar />
              <DownloadLayerButton />
            </div>
          </div>
          <ChannelGrid />
        </section>
      </main>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop the photo anywhere
        </div>
      )}
    </div>
  );
}
