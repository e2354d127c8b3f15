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
import { ExamplesView } from './ExamplesView';
import { FiltersView } from './FiltersView';
import { useKeyboardShortcuts } from './useKeyboardShortcuts';
import { usePhoneLayout } from '../phone/usePhoneLayout';
import { ControlsSheet } from '../phone/ControlsSheet';
import { PhoneGestures } from '../phone/PhoneGestures';
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
  // On a phone the grid comes first: toolbar and map wait in the Controls sheet, the other
  // panels below the grid. The photo and camera panels keep their place in the tree, so
  // turning the phone (and crossing the line) never unmounts the camera.
  const phone = usePhoneLayout();
  const toolbar = channelView && (
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
  );
  const panels = (
    <>
      <Predictions />
      {view !== 'why' && <OverlayPanel />}
      <ModelPanel />
      <HubPanel />
    </>
  );
  return (
    <div className={`app${dragging ? ' app--dragging' : ''}${presenter ? ' app--presenter' : ''}${phone ? ' app--phone' : ''}`}>
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
          {!phone && <NetworkMap />}
          {!phone && panels}
        </aside>
        <section className="stage" aria-label="Activations">
          <div className="stage__head">
            <LayerPicker />
            {phone && (
              <ControlsSheet>
                {toolbar}
                <NetworkMap />
              </ControlsSheet>
            )}
            <ViewSwitch />
          </div>
          {!phone && toolbar}
          {presenter && <PresenterCaption />}
          {view === 'journey' ? <JourneyView /> : view === 'compare' ? <CompareView /> : view === 'why' ? <WhyView /> : view === 'examples' ? <ExamplesView /> : view === 'filters' ? <FiltersView /> : <ChannelGrid />}
          {phone && <PhoneGestures />}
        </section>
        {phone && (
          <aside className="rail rail--below" aria-label="Predictions and model">
            {panels}
          </aside>
        )}
      </main>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop the photo anywhere
        </div>
      )}
    </div>
  );
}
