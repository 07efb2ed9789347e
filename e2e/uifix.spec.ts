// UI defects of issue 14, on a store seeded through db/ (no training): Branch RL links, scroll on
// navigation, shortcuts from checkboxes, menus that close, compare loading once, loss charts.
import type { Page } from '@playwright/test';
import { expect, test, type Workbench } from './fixtures';
import { seedStore } from './seed-store';

test.use({ storeFor: 'uifix' });

test.use({ seedStore: { seed: seedStore } });
test.describe.configure({ mode: 'serial' });

interface RunRow {
  id: number;
  name: string;
}

async function runNamed(workbench: Workbench, name: string): Promise<RunRow> {
  const runs = await workbench.call<RunRow[]>('runs/list', {});
  const run = runs.find((r) => r.name === name);
  if (!run) throw new Error(`no seeded run ${name}`);
  return run;
}

async function open(page: Page, workbench: Workbench, hash = '') {
  await page.goto(`${workbench.launchUrl}${hash}`);
  await expect(page.getByTestId('app-shell')).toBeVisible();
}

test('each Branch RL link preselects its own checkpoint, and the form opens at its top', async ({ page, workbench }) => {
  const run = await runNamed(workbench, 'seeded grpo s0');
  const checkpoints = await workbench.call<{ id: number; step: number }[]>('runs/checkpoints', { id: run.id });
  await page.setViewportSize({ width: 1280, height: 600 });
  await open(page, workbench, `#/run/${run.id}`);
  await expect(page.getByTestId('run-view')).toBeVisible();
  const main = page.locator('main');
  await main.evaluate((el) => (el.scrollTop = el.scrollHeight));
  expect(await main.evaluate((el) => el.scrollTop)).toBeGreaterThan(100);
  await page.getByTestId('branch-link-20').click();
  await expect(page.getByTestId('branch-panel')).toBeVisible();
  await expect(page.getByTestId('branch-checkpoint')).toHaveValue(String(checkpoints.find((c) => c.step === 20)!.id));
  expect(await main.evaluate((el) => el.scrollTop)).toBe(0);
  // Another link, another checkpoint.
  await page.goBack();
  await page.getByTestId('branch-link-40').click();
  await expect(page.getByTestId('branch-checkpoint')).toHaveValue(String(checkpoints.find((c) => c.step === 40)!.id));
});

test('shortcuts work while a checkbox has focus, and r focuses the runs table', async ({ page, workbench }) => {
  const run = await runNamed(workbench, 'seeded star');
  await open(page, workbench);
  const box = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"] input[type=checkbox]`);
  await box.check();
  await expect(box).toBeFocused();
  await page.keyboard.press('c');
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.keyboard.press('r');
  await expect(page.locator('[data-testid="runs-table"] .scroll')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('[data-testid="run-row"].cursor')).toHaveCount(1);
});

test('the metric picker and the export menu close on Esc, outside clicks and a choice', async ({ page, workbench }) => {
  const a = await runNamed(workbench, 'seeded grpo s0');
  const b = await runNamed(workbench, 'seeded star');
  await open(page, workbench, `#/compare?ids=${a.id},${b.id}`);
  const metrics = page.getByTestId('metric-menu');
  await page.getByTestId('metric-picker').click();
  await expect(metrics).toHaveAttribute('open', '');
  await page.keyboard.press('Escape');
  await expect(metrics).not.toHaveAttribute('open', '');
  await page.getByTestId('metric-picker').click();
  await page.getByRole('heading', { name: 'Summary' }).click();
  await expect(metrics).not.toHaveAttribute('open', '');
  await page.getByTestId('metric-picker').click();
  await metrics.getByText('Reward (mean)').click();
  await expect(metrics).not.toHaveAttribute('open', '');
  await expect(page.getByTestId('compare-chart-reward')).toBeVisible();

  const exportMenu = page.locator('details:has([data-testid="export-menu"])');
  await page.getByTestId('export-menu').click();
  await expect(exportMenu).toHaveAttribute('open', '');
  await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
  await expect(exportMenu).not.toHaveAttribute('open', '');
});

test('compare loads metrics/keys and metrics/series once on open', async ({ page, workbench }) => {
  const a = await runNamed(workbench, 'seeded grpo s0');
  const b = await runNamed(workbench, 'seeded star');
  await open(page, workbench);
  const counts = { keys: 0, series: 0 };
  page.on('request', (r) => {
    if (r.url().endsWith('/api/metrics/keys')) counts.keys++;
    if (r.url().endsWith('/api/metrics/series')) counts.series++;
  });
  for (const run of [a, b]) await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"] input[type=checkbox]`).check();
  await page.getByTestId('compare-selected').click();
  await expect(page.getByTestId('compare-chart-eval/greedy_accuracy')).toHaveAttribute('data-series', /seeded star/);
  await page.waitForTimeout(1500);
  expect(counts).toEqual({ keys: 1, series: 1 });
});

test('the run view draws NTP cross-entropy and the RL objective as separate charts', async ({ page, workbench }) => {
  const run = await runNamed(workbench, 'seeded grpo s0');
  await open(page, workbench, `#/run/${run.id}`);
  const loss = page.getByTestId('live-chart-Loss');
  await expect(loss).toHaveAttribute('data-series', /NTP cross-entropy/);
  await expect(loss).not.toHaveAttribute('data-series', /surrogate/);
  await expect(page.getByTestId('live-chart-RL objective')).toHaveAttribute('data-series', /surrogate loss/);
});

test('samples can be browsed by evaluation step', async ({ page, workbench }) => {
  const run = await runNamed(workbench, 'seeded grpo s0');
  await open(page, workbench, `#/run/${run.id}`);
  const samples = page.getByTestId('samples');
  await expect(samples).toContainText('sample at step 80');
  await page.getByTestId('sample-step').selectOption('40');
  await expect(samples).toContainText('sample at step 40');
  await expect(samples).not.toContainText('sample at step 80');
  await page.getByTestId('sample-step').selectOption('');
  await expect(samples).toContainText('sample at step 80');
});

test('the runs table shows seed, created and duration, chosen in the column chooser, and search compares', async ({ page, workbench }) => {
  const s1 = await runNamed(workbench, 'seeded grpo s1');
  await open(page, workbench);
  const row = page.locator(`[data-testid="run-row"][data-run-id="${s1.id}"]`);
  await expect(row.locator('[data-column="seed"]')).toHaveText('1');
  await expect(row.locator('[data-column="created"]')).not.toBeEmpty();
  await expect(row.locator('[data-column="duration"]')).toBeVisible();
  await page.getByTestId('column-chooser').click();
  await page.getByTestId('column-seed').uncheck();
  await expect(row.locator('[data-column="seed"]')).toHaveCount(0);
  // The choice survives a reload.
  await page.reload();
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${s1.id}"]`)).toBeVisible();
  await expect(page.locator('[data-testid="runs-table"] [data-column="seed"]')).toHaveCount(0);

  await page.getByTestId('runs-search').fill('p_cot>0.3');
  await expect(page.getByTestId('runs-count')).toContainText('1 of 3');
  await page.getByTestId('runs-search').fill('greedy_acc>=0.91');
  await expect(page.getByTestId('runs-count')).toContainText('1 of 3');
  await expect(row).toBeVisible();
});
