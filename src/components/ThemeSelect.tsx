import { useState } from 'react';
import { applyTheme, isThemePreference, loadThemePreference, saveThemePreference, THEME_PREFERENCES } from '../app/theme';

/** Light, dark or the system's choice; remembered in this browser. */
export function ThemeSelect() {
  const [pref, setPref] = useState(() => loadThemePreference(globalThis.localStorage ?? null));
  return (
    <label className="field field--inline field--bar">
      <span>Theme</span>
      <select
        aria-label="Theme"
        value={pref}
        onChange={(e) => {
          const next = e.currentTarget.value;
          if (!isThemePreference(next)) return;
          setPref(next);
          saveThemePreference(globalThis.localStorage ?? null, next);
          applyTheme(next);
        }}
      >
        {THEME_PREFERENCES.map((t) => (
          <option key={t.id} value={t.id}>
            {t.label}
          </option>
        ))}
      </select>
    </label>
  );
}
