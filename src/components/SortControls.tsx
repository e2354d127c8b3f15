import { SORT_KEYS, isSortKey } from '../render/channelOrder';
import { useAppStore } from '../store/store';
import { useGridModel } from './gridModel';

export function SortControls() {
  const sortKey = useAppStore((s) => s.sortKey);
  const hideDead = useAppStore((s) => s.hideDead);
  const model = useGridModel();
  return (
    <div className="sort-controls">
      <label className="field">
        <span>Sort channels</span>
        <select aria-label="Sort channels" value={sortKey} onChange={(e) => isSortKey(e.currentTarget.value) && useAppStore.setState({ sortKey: e.currentTarget.value })}>
          {SORT_KEYS.map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={hideDead} onChange={(e) => useAppStore.setState({ hideDead: e.currentTarget.checked })} />
        Hide dead channels
      </label>
      {model && (
        <span className="hint" data-testid="dead-count">
          {model.dead === 0 ? 'no dead (constant) channels' : `${model.dead} dead (constant) channel${model.dead === 1 ? '' : 's'}${hideDead ? ' hidden' : ''}`}
        </span>
      )}
    </div>
  );
}
