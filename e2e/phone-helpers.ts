/** Measurements for the phone specs: boxes, what is wholly and visibly on the first screen, sideways scroll. */
import { expect, type Locator, type Page } from '@playwright/test';
import { noHorizontalScroll } from './teaching-helpers';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const box = (l: Locator): Promise<Box> => l.evaluate((e) => e.getBoundingClientRect().toJSON() as Box);

export function fullyOnScreen(b: Box, width: number, height: number): boolean {
  return b.width > 0 && b.height > 0 && b.x >= 0 && b.y >= 0 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5;
}

/** Tiles of at least `min` px wholly on the first screen whose centre and inner corners are the tile itself (nothing covers them). */
export async function uncoveredTiles(page: Page, min: number): Promise<number> {
  return page.locator('.channel-grid .tile').evaluateAll(
    (tiles, min) =>
      tiles.filter((t) => {
        const canvas = t.querySelector('canvas')!.getBoundingClientRect();
        const r = t.getBoundingClientRect();
        if (canvas.width < min || canvas.height < min || r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return false;
        const points = [
          [canvas.left + canvas.width / 2, canvas.top + canvas.height / 2],
          [canvas.left + 2, canvas.top + 2],
          [canvas.right - 2, canvas.top + 2],
          [canvas.left + 2, canvas.bottom - 2],
          [canvas.right - 2, canvas.bottom - 2],
        ];
        return points.every(([x, y]) => t.contains(document.elementFromPoint(x!, y!)));
      }).length,
    min,
  );
}

/** The page is laid out at the phone's own width: nothing wider made the browser zoom out, nothing scrolls sideways. */
export async function fitsThePhone(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.clientWidth)).toBe(width);
  await noHorizontalScroll(page);
}


type TouchPoint = { x: number; y: number; id?: number };

/**
 * A real touch stroke, as a finger makes it: Chromium's touch events through the DevTools
 * protocol (pointer events of type touch follow), each finger moving from its start to its
 * end in `steps` moves.
 */
export async function touchStroke(page: Page, fingers: { from: TouchPoint; to: TouchPoint }[], steps = 8): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const at = (t: number) => fingers.map((f, id) => ({ x: f.from.x + (f.to.x - f.from.x) * t, y: f.from.y + (f.to.y - f.from.y) * t, id }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: at(0) });
  for (let i = 1; i <= steps; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: at(i / steps) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}
