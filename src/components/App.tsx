import { useGlobalPhotoDrop } from './useGlobalPhotoDrop';
import { StatusLine } from './StatusLine';
import { ErrorAlert } from './ErrorAlert';
import { PhotoPanel } from './PhotoPanel';
import { CameraPanel } from './CameraPanel';
import { Predictions } from './Predictions';
import { LayerPicker } from './LayerPicker';
import { ChannelControls } from './ChannelControls';
import { ChannelGrid } from './ChannelGrid';
import { ColourBar } from './ColourBar';
import { AboutDialog } from './AboutDialog';
import { DownloadLayerButton } from './DownloadLayerButton';
import { ModelPanel } from './ModelPanel';
import { useAppStore } from '../store/store';
import { ViewSwitch } from './ViewSwitch';
import { SortControls } from './SortControls';
import { ExportButtons } from './ExportButtons';
import { ShareLink } from './ShareLink';
import { OverlayPanel } from './OverlayPanel';
import { ChannelDetail } from './ChannelDetail';
import { ShortcutsDialog } from './ShortcutsDialog';
import { JourneyView } from './JourneyView';
import { CompareView } from './CompareView';
import { useKeyboardShortcuts } from './useKeyboardShortcuts';
import './teaching.css';

export function App() {
  const dragging = useGlobalPhotoDrop();
  useKeyboardShortcuts();
  const view = useAppStore((s) => s.view);
  const presenter = useAppStore((s) => s.presenter);
  return (
    <div className={`app${dragging ? ' app--dragging' : ''}${presenter ? ' app--presenter' : ''}`}>
      <header className="app__header">
        <div className="brand">
          <h1>ConvLens</h1>
          <p className="tagline">See what each layer of a ConvNeXt sees, in your browser. Nothing leaves this tab.</p>
        </div>
        <AboutDialog />
      </header>
      <ChannelDetail />
      <ShortcutsDialog />
      <StatusLine />
      <ErrorAlert />
      <main className="app__main">
        <aside className="app__side">
          <PhotoPanel />
          <CameraPanel />
          <OverlayPanel />
          <Predictions />
          <ModelPanel />
        </aside>
        <section className="app__layers" aria-label="Activations">
          <ViewSwitch />
          <div className="controls">
            <LayerPicker />
            <ChannelControls />
            <SortControls />
            <div className="controls__row">
              <ColourBar />
              <div className="controls__buttons">
                <DownloadLayerButton />
                <ExportButtons />
              </div>
            </div>
            <ShareLink />
          </div>
          {view === 'journey' ? <JourneyView /> : view === 'compare' ? <CompareView /> : <ChannelGrid />}
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
