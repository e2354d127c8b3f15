/**
 * The page's colour theme: light, dark, or whatever the system prefers. The choice is kept
 * in localStorage; the resolved theme is written to <html data-theme>, which the CSS reads.
 * Colour maps never change with the theme, only the chrome around them.
 */
export type ThemePreference = 'light' | 'dark' | 'system';
export type Theme = 'light' | 'dark';

export const THEME_PREFERENCES: readonly { id: ThemePreference; label: string }[] = [
  { id: 'system', label: 'Follow the system' },
  { id: 'light', label: 'Light' },
  { id: 'dark', label: 'Dark' },
];

const KEY = 'convlens.theme';

export function isThemePreference(v: unknown): v is ThemePreference {
  return v === 'light' || v === 'dark' || v === 'system';
}

export function resolveTheme(pref: ThemePreference, systemPrefersDark: boolean): Theme {
  if (pref === 'system') return systemPrefersDark ? 'dark' : 'light';
  return pref;
}

export function loadThemePreference(storage: Pick<Storage, 'getItem'> | null): ThemePreference {
  try {
    const v = storage?.getItem(KEY);
    return isThemePreference(v) ? v : 'system';
  } catch {
    return 'system'; // storage can be blocked (privacy settings): the system theme still works
  }
}

export function saveThemePreference(storage: Pick<Storage, 'setItem'> | null, pref: ThemePreference): void {
  try {
    storage?.setItem(KEY, pref);
  } catch {
    /* not remembered, but applied */
  }
}

const darkQuery = (): MediaQueryList | null => (typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null);

/** Writes the resolved theme to the document. */
export function applyTheme(pref: ThemePreference): Theme {
  const theme = resolveTheme(pref, darkQuery()?.matches ?? false);
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
  return theme;
}

/** Applies the stored preference now and follows system changes while it is 'system'. */
export function startTheme(getPref: () => ThemePreference): void {
  applyTheme(getPref());
  darkQuery()?.addEventListener('change', () => applyTheme(getPref()));
}
