// The compare view's summary table (issue 14, section 4): "best" is filled for the response
// length, and with more metric columns than fit, the table scrolls inside its panel instead of
// being clipped or widening the page. On a seeded store.
import { expect, test } from './fixtures';
import { seedStore } from './seed-store';

test.use({ storeFor: 'summary-table', seedStore: { seed: seedStore } });

const KEYS = ['eval/greedy_accuracy', 'eval/greedy_length_median', 'eval/sampled_long_share', 'loss', 'reward', 'rl/loss'];

test('the summary table fills best for length and scrolls instead of clipping', async ({ page, workbench }) => {
  const runs = await workbench.call<{ id: number }[]>('runs/list', {});
  await page.setViewportSize({ width: 900, height: 700 });
  await page.goto(`${workbench.launchUrl}#/compare?ids=${runs.map((r) => r.id).join(',')}&keys=${KEYS.join(',')}`);
  const table = page.getByTestId('summary-table');
  await expect(table.locator('tbody tr')).toHaveCount(runs.length);
  // Column 1 is the run; each metric has last and best, in KEYS order: length's best is column 5.
  for (const row of await table.locator('tbody tr').all()) await expect(row.locator('td').nth(4)).toHaveText(/^6 @\d+$/);

  const wrap = table.locator('xpath=..');
  const box = (await wrap.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(900);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(900);
  // Wider than its panel: it scrolls, and the last column can be scrolled into view.
  expect(await wrap.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  await wrap.evaluate((el) => (el.scrollLeft = el.scrollWidth));
  expect(await wrap.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  const last = (await table.locator('thead tr').nth(1).locator('th').last().boundingBox())!;
  expect(last.x + last.width).toBeLessThanOrEqual(box.x + box.width + 1);
  expect(await wrap.evaluate((el) => getComputedStyle(el).overflowY)).toBe('auto');
});
