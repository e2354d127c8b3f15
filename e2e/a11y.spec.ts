/**
 * Accessibility checked by a library, not by eye: axe-core in every main state of the page,
 * in both themes. Serious and critical violations fail the test, with their targets listed.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { ensureTestModels, testModelPath } from '../src/model/testing/testModels';
import { dropFiles, photoFile, waitForModel, waitForResult } from './helpers';

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`));
}

const STATES: { name: string; query: string; prepare?: (page: Page) => Promise<void> }[] = [
  { name: 'grid', query: '?sample=coffee&layer=features.3.0.block.0' },
  { name: 'strongest', query: '?sample=coffee&view=strongest' },
  { name: 'journey', query: '?sample=coffee&view=journey' },
  { name: 'compare', query: '?sample=coffee&compare=chelsea&view=compare', prepare: async (page) => await expect(page.getByTestId('compare')).toHaveAttribute('data-b', 'chelsea.png', { timeout: 120_000 }) },
  { name: 'presenter', query: '?sample=coffee', prepare: async (page) => { await page.keyboard.press('f'); await expect(page.locator('.app')).toHaveClass(/app--presenter/); } },
  {
    name: 'detail dialog',
    query: '?sample=coffee',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'features.0.0 channel 2', exact: true }).click();
      await expect(page.getByRole('dialog', { name: 'features.0.0 channel 2' })).toBeVisible();
    },
  },
];

for (const theme of ['light', 'dark'] as const) {
  test(`axe-core: no serious or critical violations in any state, ${theme} theme`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.emulateMedia({ colorScheme: theme });
    const found: string[] = [];
    for (const state of STATES) {
      await page.goto(state.query);
      await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
      if (state.name !== 'journey' && state.name !== 'compare') await waitForResult(page, 'coffee.png');
      else await expect(page.locator(state.name === 'journey' ? '[data-testid=journey]' : '[data-testid=compare], .compare').first()).toBeVisible({ timeout: 120_000 });
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await state.prepare?.(page);
      found.push(...(await seriousViolations(page)).map((v) => `[${state.name}] ${v}`));
    }
    expect(found).toEqual([]);
  });
}

/**
 * The views and regions added later (issues 27 and 28) at 1280×720: the Filters view on the
 * stem (RGB filters) and on a linear layer (heat map), the Examples view once its four sample
 * photos have gone through the network, and the channel detail with "How this value is computed".
 */
const VIEW_STATES: { name: string; query: string; ready: (page: Page) => Promise<void> }[] = [
  { name: 'filters stem', query: '?sample=coffee&layer=features.0.0&view=filters', ready: async (page) => await expect(page.getByTestId('filters-caption')).toBeVisible() },
  { name: 'filters linear', query: '?sample=coffee&layer=features.3.0.block.4&view=filters', ready: async (page) => await expect(page.getByTestId('heatmap-row')).toBeVisible() },
  {
    name: 'examples',
    query: '?view=examples',
    ready: async (page) => {
      await expect(page.getByRole('progressbar', { name: 'Finding examples' })).toHaveAttribute('aria-valuetext', '4 of 4 photos', { timeout: 240_000 });
      await expect(page.getByTestId('examples-progress')).toHaveAttribute('data-busy', 'false');
      await expect(page.getByTestId('example-grid').getByRole('button').first()).toBeVisible();
    },
  },
  {
    name: 'explanation',
    query: '?sample=coffee&layer=features.0.0&channel=5&at=10,12',
    ready: async (page) => {
      const region = page.getByRole('dialog', { name: 'features.0.0 channel 5' }).getByRole('region', { name: 'How this value is computed' });
      await expect(region.getByTestId('explain-result')).toBeVisible();
      await region.scrollIntoViewIfNeeded();
    },
  },
];

for (const theme of ['light', 'dark'] as const) {
  test(`axe-core at 1280×720: no serious or critical violations in Filters, Examples and "How this value is computed", ${theme} theme`, async ({ page }) => {
    test.setTimeout(480_000);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme: theme });
    const found: string[] = [];
    for (const state of VIEW_STATES) {
      await page.goto(state.query);
      await waitForModel(page);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await state.ready(page);
      found.push(...(await seriousViolations(page)).map((v) => `[${state.name}] ${v}`));
    }
    expect(found).toEqual([]);
  });
}

/** At a phone's size, in touch emulation: the grid, the channel detail, the journey and the Controls sheet. */
const PHONE_STATES: { name: string; query: string; prepare?: (page: Page) => Promise<void> }[] = [
  { name: 'phone grid', query: '?sample=coffee&layer=features.3.0.block.0' },
  {
    name: 'phone detail',
    query: '?sample=coffee',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'features.0.0 channel 2', exact: true }).click();
      await expect(page.getByRole('dialog', { name: 'features.0.0 channel 2' })).toBeVisible();
    },
  },
  { name: 'phone journey', query: '?sample=coffee&view=journey' },
  {
    name: 'phone controls sheet',
    query: '?sample=coffee',
    prepare: async (page) => {
      await page.getByRole('button', { name: 'Controls' }).click();
      await expect(page.getByRole('dialog', { name: 'Controls' })).toBeVisible();
    },
  },
];

test.describe('phone 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  for (const theme of ['light', 'dark'] as const) {
    test(`axe-core: no serious or critical violations at phone size, ${theme} theme`, async ({ page }) => {
      test.setTimeout(300_000);
      await page.emulateMedia({ colorScheme: theme });
      const found: string[] = [];
      for (const state of PHONE_STATES) {
        await page.goto(state.query);
        await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
        if (state.name === 'phone journey') await expect(page.getByTestId('journey-row').first()).toBeVisible({ timeout: 120_000 });
        else await waitForResult(page, 'coffee.png');
        await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
        await state.prepare?.(page);
        found.push(...(await seriousViolations(page)).map((v) => `[${state.name}] ${v}`));
      }
      expect(found).toEqual([]);
    });
  }
});

test('1280×720: the network map shows every stage name whole, also the long ones of a foreign model ("Stage 1 · 56×56")', async ({ page }) => {
  test.setTimeout(240_000);
  ensureTestModels();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./');
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  await dropFiles(page, [{ ...photoFile(testModelPath('convnext-atto.onnx')), mimeType: '' }]);
  await expect(page.locator('p[role="status"]')).toContainText('convnext-atto.onnx', { timeout: 180_000 });
  const labels = page.locator('nav[aria-label="Network map"] .network-map__label');
  await expect(labels.first()).toHaveText('Stage 1 · 56×56');
  const cut = await labels.evaluateAll((els) =>
    els.filter((e) => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight || e.getBoundingClientRect().right > e.parentElement!.getBoundingClientRect().right).map((e) => e.textContent),
  );
  expect(cut).toEqual([]);
  expect(await labels.count()).toBeGreaterThanOrEqual(5);
  await page.locator('nav[aria-label="Network map"]').screenshot({ path: 'screenshots/a11y-map-foreign.png' });
});
