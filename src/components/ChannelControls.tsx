import { COLORMAPS, isColormapId } from '../render/colormaps';
import { channelWindow, windowLabel } from '../render/gridLayout';
import { NORMALISATION_MODES, type NormalisationMode } from '../render/normalise';
import {
  useAppStore,
  selectChannelCount,
  selectColormap,
  selectCurrentTap,
  selectFirstChannel,
  selectNormalisation,
  selectTileSize,
} from '../store/store';

export function ChannelControls() {
  const tap = useAppStore(selectCurrentTap);
  const first = useAppStore(selectFirstChannel);
  const count = useAppStore(selectChannelCount);
  const tileSize = useAppStore(selectTileSize);
  const colormap = useAppStore(selectColormap);
  const normalisation = useAppStore(selectNormalisation);
  if (!tap) return null;
  const total = tap.shape[0]!;
  const win = channelWindow(total, first, count);
  const { setFirstChannel, setChannelCount, setTileSize, setColormap, setNormalisation } = useAppStore.getState();
  return (
    <div className="channel-controls">
      <label className="field field--slider">
        <span>First channel</span>
        <input
          type="range"
          aria-label="First channel"
          min={0}
          max={total - 1}
          value={win.first}
          onChange={(e) => {
            const next = Number(e.currentTarget.value);
            setFirstChannel(next);
            if (next + count > total) setChannelCount(Math.max(1, total - next));
          }}
        />
        <span className="field__value" aria-hidden="true">{win.first}</span>
      </label>
      <label className="field field--slider">
        <span>Channels shown</span>
        <input
          type="range"
          aria-label="Channels shown"
          min={1}
          max={total}
          value={win.count}
          onChange={(e) => {
            const next = Number(e.currentTarget.value);
            setChannelCount(next);
            if (win.first + next > total) setFirstChannel(Math.max(0, total - next));
          }}
        />
        <span className="field__value" aria-hidden="true">{win.count}</span>
      </label>
      <p className="channel-controls__range" data-testid="channel-range">
        {windowLabel(win, total)}
      </p>
      <label className="field field--slider">
        <span>Tile size</span>
        <input type="range" aria-label="Tile size" min={24} max={256} step={8} value={tileSize} onChange={(e) => setTileSize(Number(e.currentTarget.value))} />
        <span className="field__value" aria-hidden="true">{tileSize} px</span>
      </label>
      <label className="field">
        <span>Colour map</span>
        <select aria-label="Colour map" value={colormap} onChange={(e) => isColormapId(e.currentTarget.value) && setColormap(e.currentTarget.value)}>
          {COLORMAPS.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Normalisation</span>
        <select aria-label="Normalisation" value={normalisation} onChange={(e) => setNormalisation(e.currentTarget.value as NormalisationMode)}>
          {NORMALISATION_MODES.map((m) => (
            <option key={m.id} value={m.id}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
