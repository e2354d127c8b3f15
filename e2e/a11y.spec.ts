/**
 * Accessibility checked by a library, not by eye: axe-core in every main state of the page,
 * in both themes. Serious and critical violations fail the test, with their targets listed.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { waitForResult } from './helpers';

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
