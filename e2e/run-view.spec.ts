// The run view's actions on real training runs (issue 14, section 4): Resume keeps the live
// charts following the run, and a run without a checkpoint offers a restart from step 0 that asks
// first and keeps its rows until the user confirms.
import type { Page } from '@playwright/test';
import { expect, test, type Workbench } from './fixtures';

test.use({ storeFor: 'run-view' });
test.describe.configure({ mode: 'serial' });

/** NTP only, long enough to stop half way; checkpoints every `checkpointEvery` steps. */
function config(checkpointEvery: number) {
  return {
    task: { kind: 'parity', d: 6, p_cot: 0.5 },
    model: { layers: 1, heads: 2, width: 32 },
    ntp: { steps: 400, batchSize: 8, evalEvery: 20, checkpointEvery },
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
  await expect.poll(async () => Number(await progress.getAttribute('data-step')), { timeout: 120_000 }).toBeGreaterThanOrEqual(250);
  await expect.poll(() => chartLastStep(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(200);
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect.poll(() => chartLastStep(page)).toBe(400);
});

test('a run without a checkpoint offers a restart from step 0, asks first, and keeps its rows until confirmed', async ({ page, workbench }) => {
  const id = await startRun(workbench, 'restart asks', 0);
  await openRun(page, workbench, id);
  await stopAfter(page, 60);
  const logged = await workbench.call<{ metrics: Record<string, { count: number; lastStep: number }> }>('runs/get', { id });
  const stoppedAt = logged.metrics.loss!.lastStep;
  const button = page.getByTestId('resume-run');
  await expect(button).toHaveText('Restart from step 0');
  await button.click();
  await expect(page.getByTestId('restart-confirm')).toContainText(`deletes the metrics and samples it logged up to step ${stoppedAt}`);
  // Cancel: nothing was sent, nothing deleted.
  await page.getByTestId('restart-cancel').click();
  await expect(page.getByTestId('restart-confirm')).toHaveCount(0);
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'stopped');
  expect((await workbench.call<typeof logged>('runs/get', { id })).metrics.loss!.count).toBe(logged.metrics.loss!.count);
  // Confirmed: it trains again from step 0.
  await button.click();
  await page.getByTestId('restart-confirmed').click();
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', /queued|running|completed/);
  await expect(page.getByTestId('run-view')).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  const after = await workbench.call<typeof logged>('runs/get', { id });
  expect(after.metrics.loss).toMatchObject({ count: 400, lastStep: 400 });
});
