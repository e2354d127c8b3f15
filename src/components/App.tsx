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
import { HubPanel, TrainedOffer } from './HubPanel';
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
import { NetworkMap } from './NetworkMap';
import { ThemeSelect } from './ThemeSelect';
import { PresenterCaption } from './PresenterCaption';
import { WhyView } from './WhyView';
import { useKeyboardShortcuts } from './useKeyboardShortcuts';
import './layout.css';
import './teaching.css';

/**
 * The page puts the picture first: a slim bar (name, status, theme, help), a rail with the
 * photo and the network map, and the stage, where the current view takes all the room
 * left under one compact toolbar. Words (what a layer does, model details) open on demand.
 */
export function App() {
  const dragging = useGlobalPhotoDrop();
  useKeyboardShortcuts();
  const view = useAppStore((s) => s.view);
  const presenter = useAppStore((s) => s.presenter);
  const channelView = view === 'grid' || view === 'strongest';
  return (
    <div className={`app${dragging ? ' app--dragging' : ''}${presenter ? ' app--presenter' : ''}`}>
      <header className="app-bar">
        <h1 className="app-bar__brand">ConvLens</h1>
        <StatusLine />
        <div className="app-bar__tools">
          <ThemeSelect />
          <AboutDialog />
        </div>
      </header>
      <ChannelDetail />
      <ShortcutsDialog />
      <ErrorAlert />
      <TrainedOffer />
      <main className="app__main">
        <aside className="rail" aria-label="Photo and network">
          <PhotoPanel />
          <CameraPanel />
          <NetworkMap />
          <Predictions />
          {view !== 'why' && <OverlayPanel />}
          <ModelPanel />
          <HubPanel />
        </aside>
        <section className="stage" aria-label="Activations">
          <div className="stage__head">
            <LayerPicker />
            <ViewSwitch />
          </div>
          {channelView && (
            <div className="toolbar">
              <ChannelControls />
              <SortControls />
              <ColourBar />
              <div className="toolbar__exports" role="group" aria-label="Export">
                <DownloadLayerButton />
                <ExportButtons />
                <ShareLink />
              </div>
            </div>
          )}
          {presenter && <PresenterCaption />}
          {view === 'journey' ? <JourneyView /> : view === 'compare' ? <CompareView /> : view === 'why' ? <WhyView /> : <ChannelGrid />}
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
