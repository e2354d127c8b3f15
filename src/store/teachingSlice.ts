/**
 * View state added for teaching: the selected channel, sorting, which view is shown,
 * the presenter mode and the open dialogs. Assembled into the one store in store.ts.
 */
import type { StateCreator } from 'zustand';
import type { ChannelSortKey } from '../render/stats';
import type { Activations } from './types';
import type { Progress } from '../worker/client';
import type { AppState } from './store';

export type MainView = 'grid' | 'strongest' | 'journey' | 'compare' | 'why' | 'examples' | 'filters';
export const MAIN_VIEWS: readonly MainView[] = ['grid', 'strongest', 'journey', 'compare', 'why', 'examples', 'filters'];

export type OverlaySource = 'channel' | 'mean';

export interface TeachingSlice {
  /** The channel a teacher points at: drawn outlined in the grid, shown in the overlay and the detail view. */
  selectedChannel: number | null;
  sortKey: ChannelSortKey;
  hideDead: boolean;
  view: MainView;
  presenter: boolean;
  detailOpen: boolean;
  /** The position of the selected channel whose value is explained ("How this value is computed"). */
  selectedPosition: { row: number; col: number } | null;
  shortcutsOpen: boolean;
  overlaySource: OverlaySource;
  /** The result of the second photo of a comparison (photos.compare) and its run's progress. */
  compare: Activations | null;
  compareProgress: Progress | null;
}

export const createTeachingSlice: StateCreator<AppState, [], [], TeachingSlice> = () => ({
  selectedChannel: null,
  sortKey: 'index',
  hideDead: false,
  view: 'grid',
  presenter: false,
  detailOpen: false,
  selectedPosition: null,
  shortcutsOpen: false,
  overlaySource: 'channel',
  compare: null,
  compareProgress: null,
});
