// The run view's actions on real training runs (issue 14, section 4): Resume keeps the live
// charts following the run, and a run without a checkpoint offers a restart from step 0 that asks
// first and keeps its rows until the user confirms.
import type { Page } from '@playwright/test';
import { LIVE_KEYS } from '../vocabulary/charts/metric-catalog';
import { expect, test, type Workbench } from './fixtures';

test.use({ storeFor: 'run-view' });
test.describe.configure({ mode: 'serial' });

/**
 * NTP only, far longer than the tests let it run: they stop it themselves. (A 400-step run finished
 * on CI before the Stop click landed once the step got faster, so nothing here waits for the end.)
 * At 50,000 steps the trainer logs the loss every 25th step (it keeps at most ~2,000 rows a key).
 */
const STEPS = 50_000;
const LOSS_EVERY = 25;
function config(checkpointEvery: number) {
  return {
    task: { kind: 'parity', d: 6, p_cot: 0.5 },
    model: { layers: 1, heads: 2, width: 32 },
    ntp: { steps: STEPS, batchSize: 8, evalEvery: 20, checkpointEvery },
    eval: { heldOut: 16 },
  };
}

async function startRun(workbench: Workbench, name: string, checkpointEvery: number): Promise<number> {
  const { runIds } = await workbench.call<{ runIds: number[] }>('runs/start', { config: config(checkpointEvery), name });
  return runIds[0]!;
}

async function openRun(page: Page, workbench: Workbench, id: number) {
  await page.goto(`${workbench.launchUrl}#/run/${id}`);
  await expect(page.getByTestId('run-view')).toBeVisible();
}

/** The last step the live charts draw. */
async function chartLastStep(page: Page): Promise<number> {
  return Number(await page.getByTestId('live-charts').getAttribute('data-last-step'));
}

async function stopAfter(page: Page, step: number) {
  const progress = page.getByTestId('progress');
  await expect.poll(async () => Number(await progress.getAttribute('data-step')), { timeout: 120_000 }).toBeGreaterThanOrEqual(step);
  await page.getByTestId('stop-run').click();
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'stopped', { timeout: 30_000 });
}

test('after Resume the live charts keep up with the progress bar', async ({ page, workbench }) => {
  const id = await startRun(workbench, 'resume follows', 50);
  await openRun(page, workbench, id);
  await stopAfter(page, 120);
  const checkpoints = await workbench.call<{ step: number }[]>('runs/checkpoints', { id });
  const latest = Math.max(...checkpoints.map((c) => c.step));
  expect(latest).toBeGreaterThanOrEqual(100);
  await expect(page.getByTestId('resume-run')).toHaveText(`Resume from step ${latest}`);
  await page.getByTestId('resume-run').click();
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  // While it runs, the charts follow the progress bar (they are re-fetched at most every 1.5 s).
  const progress = page.getByTestId('progress');
  await expect.poll(async () => Number(await progress.getAttribute('data-step')), { timeout: 120_000 }).toBeGreaterThanOrEqual(latest + 150);
  await expect.poll(() => chartLastStep(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(latest + 100);
  // Stopped again, the charts settle on the last step the run logged.
  await stopAfter(page, latest + 200);
  const logged = await workbench.call<{ metrics: Record<string, { lastStep: number }> }>('runs/get', { id });
  const lastLogged = Math.max(...Object.entries(logged.metrics).filter(([key]) => LIVE_KEYS.includes(key)).map(([, m]) => m.lastStep));
  await expect.poll(() => chartLastStep(page)).toBe(lastLogged);
});

test('a run without a checkpoint offers a restart from step 0, asks first, and keeps its rows until confirmed', async ({ page, workbench }) => {
  const id = await startRun(workbench, 'restart asks', 0);
  await openRun(page, workbench, id);
  await stopAfter(page, 60);
  const logged = await workbench.call<{ metrics: Record<string, { count: number; lastStep: number }> }>('runs/get', { id });
  const stoppedAt = Math.max(...Object.values(logged.metrics).map((m) => m.lastStep));
  const button = page.getByTestId('resume-run');
  await expect(button).toHaveText('Restart from step 0');
  await button.click();
  await expect(page.getByTestId('restart-confirm')).toContainText(`deletes the metrics and samples it logged up to step ${stoppedAt}`);
  // Cancel: nothing was sent, nothing deleted.
  await page.getByTestId('restart-cancel').click();
  await expect(page.getByTestId('restart-confirm')).toHaveCount(0);
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'stopped');
  expect((await workbench.call<typeof logged>('runs/get', { id })).metrics.loss!.count).toBe(logged.metrics.loss!.count);
  // Confirmed: it trains again from step 0, logging each of its loss steps once.
  await button.click();
  await page.getByTestId('restart-confirmed').click();
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'running', { timeout: 60_000 });
  await stopAfter(page, stoppedAt + 100);
  const after = await workbench.call<typeof logged>('runs/get', { id });
  expect(after.metrics.loss!.lastStep).toBeGreaterThan(stoppedAt + 100 - LOSS_EVERY);
  expect(after.metrics.loss!.count).toBe(after.metrics.loss!.lastStep / LOSS_EVERY);
});
