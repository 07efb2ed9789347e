// The researcher's path through the UI, in Debian Chromium against browser mode: launch runs from
// the form, watch one finish, compare two, group seeds, export the report, and see a bad value
// refused beside its field. Tiny configs keep the suite quick on two cores.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, type Workbench } from './fixtures';

test.use({ storeFor: 'ui' });

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

test.describe.configure({ mode: 'serial' });

interface RunRow {
  id: number;
  name: string;
  status: string;
}

/** A config small enough to finish in seconds: NTP then a short RL phase. */
const TINY: Record<string, string> = {
  'task.d': '6',
  'model.layers': '1',
  'model.heads': '2',
  'model.width': '32',
  'ntp.steps': '30',
  'ntp.batchSize': '16',
  'ntp.evalEvery': '10',
  'rl.steps': '6',
  'rl.groupSize': '4',
  'rl.promptsPerStep': '4',
  'rl.evalEvery': '3',
  'eval.heldOut': '32',
};

async function fillForm(page: Page, values: Record<string, string>) {
  for (const [path, value] of Object.entries(values)) {
    const input = page.getByTestId(`field-${path}`);
    await input.fill(value);
    await input.blur();
  }
}

async function openApp(page: Page, workbench: Workbench) {
  await page.goto(workbench.launchUrl);
  await expect(page.getByTestId('app-shell')).toBeVisible();
}

async function launch(page: Page, name: string, pCot: string, extra: Record<string, string> = {}) {
  await page.keyboard.press('n');
  await expect(page.getByTestId('config-form')).toBeVisible();
  const rlToggle = page.getByTestId('rl-toggle');
  if (!(await rlToggle.isChecked())) await rlToggle.check();
  await page.getByTestId('run-name').fill(name);
  await fillForm(page, { ...TINY, 'task.p_cot': pCot, ...extra });
}

async function runsByName(workbench: Workbench): Promise<Map<string, RunRow>> {
  const runs = await workbench.call<RunRow[]>('runs/list', {});
  return new Map(runs.map((r) => [r.name, r]));
}

async function seedRuns(workbench: Workbench): Promise<RunRow[]> {
  return (await workbench.call<RunRow[]>('runs/list', {})).filter((r) => r.name.startsWith('e2e seeds'));
}

const label = (r: RunRow) => `${r.name} (#${r.id})`;

test('a new user is told what to do first', async ({ page, workbench }) => {
  await openApp(page, workbench);
  await expect(page.getByTestId('runs-empty')).toContainText('No runs yet');
  await page.screenshot({ path: `${SHOTS}/00-empty.png` });
});

test('invalid form input shows the field error and starts no run', async ({ page, workbench }) => {
  await openApp(page, workbench);
  const before = (await workbench.call<RunRow[]>('runs/list', {})).length;
  await launch(page, 'should not start', '1.5');
  await expect(page.getByTestId('error-task.p_cot')).toContainText('task.p_cot must be in [0,1], got 1.5');
  await page.getByTestId('start-run').click();
  await expect(page.getByTestId('form-invalid')).toBeVisible();
  await expect(page.getByTestId('field-task.p_cot')).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: `${SHOTS}/01-launch-invalid.png`, fullPage: true });
  expect((await workbench.call<RunRow[]>('runs/list', {})).length).toBe(before);
});

test('launch a run and watch it complete through the progress bar', async ({ page, workbench }) => {
  await openApp(page, workbench);
  await launch(page, 'e2e p_cot=0.5', '0.5');
  await page.screenshot({ path: `${SHOTS}/02-launch.png`, fullPage: true });
  await page.getByTestId('start-run').click();
  const view = page.getByTestId('run-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('progress')).toBeVisible();
  await expect(view).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });
  await expect(page.getByTestId('progress')).toHaveAttribute('data-done', 'true');
  // Live charts drew what the run logged.
  await expect(page.locator('[data-testid^="live-chart-"]').first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/03-run-completed.png`, fullPage: true });
});

test('launch a second run with another p_cot and compare both', async ({ page, workbench }) => {
  await openApp(page, workbench);
  await launch(page, 'e2e p_cot=0.25', '0.25');
  await page.getByTestId('start-run').click();
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'completed', { timeout: 150_000 });

  const runs = await runsByName(workbench);
  const a = runs.get('e2e p_cot=0.5')!;
  const b = runs.get('e2e p_cot=0.25')!;
  await page.keyboard.press('r');
  for (const run of [a, b]) await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"] input[type=checkbox]`).check();
  await page.screenshot({ path: `${SHOTS}/04-runs-table.png` });
  await page.getByTestId('compare-selected').click();
  await expect(page.getByTestId('compare-view')).toBeVisible();

  const charts = page.locator('[data-testid^="compare-chart-"]');
  await expect(charts).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    const chart = charts.nth(i);
    await expect(chart).toHaveAttribute('data-series', new RegExp(escapeRe(label(a))));
    await expect(chart).toHaveAttribute('data-series', new RegExp(escapeRe(label(b))));
  }
  // Only p_cot (and the name-independent knobs that differ) appear in the config diff.
  await expect(page.getByTestId('config-diff')).toContainText('task.p_cot');
  await expect(page.getByTestId('config-diff')).not.toContainText('model.width');
  await expect(page.getByTestId('summary-table')).toContainText(label(a));
  await page.screenshot({ path: `${SHOTS}/05-compare.png`, fullPage: true });

  // The HTML report names both runs and carries SVG charts.
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
  const html = readFileSync((await download.path())!, 'utf8');
  expect(html).toContain(a.name);
  expect(html).toContain(b.name);
  expect(html).toMatch(/<svg[\s>]/);
  expect(html).not.toMatch(/<script/i);
});

test('two seeds of one config draw as a mean with a band', async ({ page, workbench }) => {
  await openApp(page, workbench);
  await launch(page, 'e2e seeds', '0.5');
  await page.getByTestId('sweep-values-seed').fill('1 2');
  await page.getByTestId('sweep-start').click();
  await expect
    .poll(async () => (await seedRuns(workbench)).filter((r) => r.status === 'completed').length, {
      timeout: 240_000,
      intervals: [2000],
    })
    .toBe(2);
  const seeds = await seedRuns(workbench);
  await page.goto(`${workbench.url}#/compare?ids=${seeds.map((r) => r.id).join(',')}`);
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.getByTestId('group-seeds').check();
  const chart = page.getByTestId('compare-chart-eval/greedy_accuracy');
  await expect(chart).toHaveAttribute('data-series', /2 seeds/);
  await expect(chart).toHaveAttribute('data-bands', '1');
  await page.getByTestId('band-mode').selectOption('std');
  await expect(chart).toHaveAttribute('data-bands', '1');
  await page.screenshot({ path: `${SHOTS}/06-compare-seed-band.png`, fullPage: true });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('the runs table stays virtualized and responsive with 10k runs', async ({ page, workbench }) => {
  // Only the list reply is synthetic (10k summaries shaped like the store's); the UI is the real one.
  const config = { task: { kind: 'parity', d: 20, p_cot: 0.25, chain: 'full' }, ntp: { steps: 300 }, rl: { steps: 100, algorithm: 'grpo', temperature: 1 }, seed: 0 };
  const data = Array.from({ length: 10_000 }, (_, i) => ({
    id: 100_000 + i,
    name: `synthetic ${i} p_cot=${(i % 7) / 10}`,
    status: i % 50 ? 'completed' : 'failed',
    createdAt: Date.now() - i * 1000,
    startedAt: null,
    finishedAt: null,
    seed: i % 3,
    groupKey: `g${i % 7}`,
    tags: i % 3 ? [] : ['bulk'],
    notes: '',
    backend: 'wasm',
    backendVersion: '4.22.0',
    threads: 2,
    parentRunId: null,
    parentCheckpointId: null,
    error: i % 50 ? null : 'synthetic failure',
    config: { ...config, task: { ...config.task, p_cot: (i % 7) / 10 } },
    progress: null,
    last: { 'eval/greedy_accuracy': (i % 100) / 100, 'eval/greedy_length_median': 1 + (i % 20) },
  }));
  await page.route('**/api/runs/list', (route) => route.fulfill({ json: { ok: true, data } }));
  await openApp(page, workbench);
  await expect(page.getByTestId('runs-count')).toContainText('10000 runs');
  expect(await page.getByTestId('run-row').count()).toBeLessThan(80);
  const scroller = page.locator('[data-testid="runs-table"] .scroll');
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.locator('[data-testid="run-row"][data-run-id="100000"]')).toBeVisible();
  await page.getByTestId('runs-search').fill('synthetic 9999');
  await expect(page.getByTestId('runs-count')).toContainText('1 of 10000');
  await page.getByTestId('runs-search').fill('');
  // Keyboard: arrows move the cursor, Space selects, Enter opens.
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await scroller.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('runs-count')).toContainText('1 selected');
  await expect(page.locator('[data-testid="run-row"][data-run-id="109998"]')).toHaveAttribute('aria-selected', 'true');
  await page.screenshot({ path: `${SHOTS}/07-runs-10k.png` });
});

test('the compare view stays responsive with 100 runs', async ({ page, workbench }) => {
  // Synthetic store replies (100 runs x 3 metrics, downsampled as requested) drive the real compare view.
  const N = 100;
  const keys = ['eval/greedy_accuracy', 'eval/greedy_length_median', 'eval/sampled_long_share'];
  const runs = Array.from({ length: N }, (_, i) => ({
    id: 200_000 + i,
    name: `synthetic compare ${i}`,
    status: 'completed',
    createdAt: Date.now(),
    startedAt: null,
    finishedAt: null,
    seed: i % 3,
    groupKey: `g${Math.floor(i / 3)}`,
    tags: [],
    notes: '',
    backend: 'wasm',
    backendVersion: '4.22.0',
    threads: 2,
    parentRunId: null,
    parentCheckpointId: null,
    error: null,
    // STaR with the end-to-end reward: the runs the 2p/(1+p) overlay belongs to.
    config: { task: { kind: 'parity', d: 20, p_cot: (i % 10) / 20, chain: 'full' }, ntp: { steps: 600 }, rl: { steps: 400, algorithm: 'star', reward: 'end-to-end', temperature: 1 }, seed: i % 3 },
    progress: null,
    last: {},
  }));
  // Like the store, reply with at most the requested number of points per series (1000 steps logged).
  const seriesFor = (maxPoints: number) => {
    const n = Math.min(1000, maxPoints);
    const xs = Array.from({ length: n }, (_, j) => Math.round((j * 999) / (n - 1)));
    return runs.flatMap((r, i) =>
      keys.map((key) => {
        const y = xs.map((x) => Math.min(1, 0.5 + (x > 600 ? (x - 600) / (400 + i) : 0) + 0.03 * Math.sin(x / 7 + i)));
        return { runId: r.id, key, x: xs, y };
      }),
    );
  };
  await page.route('**/api/runs/list', (route) => route.fulfill({ json: { ok: true, data: runs } }));
  await page.route('**/api/metrics/keys', (route) => route.fulfill({ json: { ok: true, data: keys } }));
  await page.route('**/api/metrics/series', (route) =>
    route.fulfill({ json: { ok: true, data: seriesFor((route.request().postDataJSON() as { maxPoints: number }).maxPoints) } }),
  );
  await openApp(page, workbench);
  const t0 = Date.now();
  await page.evaluate((ids) => (location.hash = `#/compare?ids=${ids.join(',')}`), runs.map((r) => r.id));
  const chart = page.getByTestId('compare-chart-eval/greedy_accuracy');
  await expect(chart).toHaveAttribute('data-series', /synthetic compare 99/);
  const firstPaint = Date.now() - t0;
  // A control change re-renders all three panels (300 lines, each with its faded raw curve).
  const t1 = Date.now();
  await page.getByTestId('x-samples').click();
  await page.getByTestId('x-step').click();
  await page.getByTestId('star-overlay').check();
  await expect(page.getByTestId('compare-chart-eval/sampled_long_share')).toHaveAttribute('data-series', /STaR/);
  const rerender = Date.now() - t1;
  console.log(`compare with ${N} runs: first paint ${firstPaint} ms, control changes ${rerender} ms`);
  // Timings are printed for the record; on a shared 2-core machine they are no pass/fail criterion.
  await page.screenshot({ path: `${SHOTS}/08-compare-100-runs.png` });
  // Past 20 lines the legend is a list with a filter; hiding a filtered line still drops it from the charts.
  const legend = page.getByTestId('compare-legend');
  await legend.getByTestId('legend-filter').fill('compare 4');
  await expect(legend.getByTestId('legend-count')).toHaveText('11 of 100 lines');
  await expect(legend.getByTestId('legend-item')).toHaveCount(11);
  await legend.getByRole('button', { name: 'Hide synthetic compare 42 (#200042)', exact: true }).click();
  await expect(chart).not.toHaveAttribute('data-series', /synthetic compare 42 \(#200042\)/);
  await legend.getByRole('button', { name: 'Show synthetic compare 42 (#200042)', exact: true }).click();
  await expect(chart).toHaveAttribute('data-series', /synthetic compare 42 \(#200042\)/);
});
