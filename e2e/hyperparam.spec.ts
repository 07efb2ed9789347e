// The paper's figure in the app: a small p_cot sweep (3 values x 2 seeds, tagged like a study)
// drawn as greedy accuracy against p_cot with seed error bars and the 1/3 line, the same figure
// in the exported report, and the page a user sees without the token.
import { readFileSync } from 'node:fs';
import { openStore } from '../db';
import { writeSyntheticRun } from '../db/testing/synthetic-sweep';
import { expect, test } from './fixtures';

test.use({ storeFor: 'hyperparam' });

test.describe.configure({ mode: 'serial' });

const P_COTS = [0.1, 0.2, 0.5];

test('a p_cot sweep drawn as accuracy against p_cot, in the app and the report', async ({ page, workbench }) => {
  const store = openStore(workbench.dbPath);
  for (const pCot of P_COTS) for (const seed of [0, 1]) writeSyntheticRun(store, { pCot, seed, ntpSteps: 100, rlSteps: 40, tags: ['study:threshold-e2e'] });
  store.close();

  await page.goto(workbench.launchUrl);
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await page.evaluate(() => (window.location.hash = '#/hyperparam?tag=study:threshold-e2e'));
  await expect(page.getByTestId('hyperparam-view')).toBeVisible();

  const chart = page.getByTestId('hyperparam-chart');
  await expect(chart).toHaveAttribute('data-series', JSON.stringify(['after NTP', 'after RL', '1/3 threshold']));
  await expect(page.locator('[data-threshold-x]')).toHaveAttribute('data-threshold-x', String(1 / 3));
  // One row per (phase, p_cot), each the mean of two seeds.
  const rows = page.getByTestId('hyperparam-table').locator('tbody tr');
  await expect(rows).toHaveCount(6);
  await expect(rows.first().locator('td').nth(1)).toHaveText('0.1');
  await expect(rows.first().locator('td').nth(4)).toHaveText('2');
  // NTP alone at chance below 1/3, solved above; RL solves every p_cot.
  const ntpLow = Number((await rows.nth(0).locator('td').nth(2).textContent())!.replace('%', ''));
  const ntpHigh = Number((await rows.nth(2).locator('td').nth(2).textContent())!.replace('%', ''));
  expect(ntpLow).toBeLessThan(60);
  expect(ntpHigh).toBeGreaterThan(95);
  await expect(rows.nth(3).locator('td').nth(2)).toHaveText('100.0%');
  // Error bars: seeds differ, so the NTP bar at p_cot 0.1 has two different ends.
  const [lo, hi] = (await rows.nth(0).locator('td').nth(3).textContent())!.split('–').map((s) => s.trim());
  expect(lo).not.toBe(hi);

  // The choice survives a reload (it lives in the URL).
  await page.getByTestId('hp-bars').selectOption('std');
  await expect(page).toHaveURL(/bars=std/);
  await page.reload();
  await expect(page.getByTestId('hp-bars')).toHaveValue('std');
  await expect(rows).toHaveCount(6);

  // The report carries the same figure, with the 1/3 line and the numbers.
  const download = page.waitForEvent('download');
  await page.getByTestId('hp-export').click();
  const html = readFileSync((await (await download).path())!, 'utf8');
  expect(html).toContain('Metric versus hyperparameter');
  expect(html).toContain('p_cot = 1/3');
  expect(html).toContain('±1 std over seeds error bars');
  expect(html.match(/<tr><td>after NTP<\/td>/g)?.length).toBe(3);
});

test('a page opened without the token says to open the printed link', async ({ page, workbench }) => {
  await page.goto(workbench.url);
  await expect(page.getByTestId('no-token')).toContainText('Open the link that');
  await expect(page.getByTestId('no-token')).toContainText('?token=');
});

test('compare: wheel zoom and the controls live in the URL and survive a reload', async ({ page, workbench }) => {
  const runs = await workbench.call<{ id: number }[]>('runs/list', {});
  const ids = runs.map((r) => r.id).slice(0, 4);
  await page.goto(workbench.launchUrl);
  await page.evaluate((list) => (window.location.hash = `#/compare?ids=${list.join(',')}`), ids);
  const view = page.getByTestId('compare-view');
  await expect(view).toBeVisible();
  await page.getByTestId('x-samples').click();
  await page.getByTestId('log-eval/greedy_length_median').check();
  const chart = page.getByTestId('compare-chart-eval/greedy_accuracy');
  const box = (await chart.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -400);
  await expect(view).not.toHaveAttribute('data-zoom', '');
  const zoom = (await view.getAttribute('data-zoom'))!;
  await expect(page).toHaveURL(/zoom=/);
  await expect(page).toHaveURL(/x=samples/);

  await page.reload();
  await expect(view).toBeVisible();
  await expect(view).toHaveAttribute('data-zoom', zoom);
  await expect(page.getByTestId('x-samples')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('log-eval/greedy_length_median')).toBeChecked();

  // A new window opened with the printed link plus this view's hash draws the same view. (A new tab
  // needs the token in its URL: the token is kept per tab, in sessionStorage.)
  const hash = new URL(page.url()).hash;
  const other = await page.context().newPage();
  await other.goto(`${workbench.launchUrl}${hash}`);
  await expect(other.getByTestId('compare-view')).toHaveAttribute('data-zoom', zoom);
  await other.close();
});
