import { describe, expect, it } from 'vitest';
import { loadThemePreference, resolveTheme, saveThemePreference } from './theme';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k), clear: () => m.clear(), key: () => null, length: 0 };
}

describe('theme', () => {
  it('follows the system unless a theme was chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
  it('remembers the choice and ignores junk', () => {
    const s = memoryStorage();
    expect(loadThemePreference(s)).toBe('system');
    saveThemePreference(s, 'dark');
    expect(loadThemePreference(s)).toBe('dark');
    s.setItem('convlens.theme', 'purple');
    expect(loadThemePreference(s)).toBe('system');
  });
  it('survives blocked storage', () => {
    const blocked = { getItem: () => { throw new Error('blocked'); }, setItem: () => { throw new Error('blocked'); } };
    expect(loadThemePreference(blocked)).toBe('system');
    expect(() => saveThemePreference(blocked, 'light')).not.toThrow();
  });
});
