// The launch form and queue panel (issue 14, section 4): runs from an edited preset are not named
// and tagged as the preset's, "Clone this run" opens the form with the run's config, and long run
// names in the queue panel do not wrap into the concurrency control. On a seeded store; the runs
// it starts are the `tiny` preset's (seconds each).
import type { Page } from '@playwright/test';
import { expect, test, type Workbench } from './fixtures';
import { seedStore } from './seed-store';

test.use({ storeFor: 'launch', seedStore: { seed: seedStore } });
test.describe.configure({ mode: 'serial' });

interface RunRow {
  id: number;
  name: string;
  tags: string[];
  status: string;
  config: { task: { p_cot: number }; name?: string };
}

async function openLaunch(page: Page, workbench: Workbench, hash = '#/launch') {
  await page.goto(`${workbench.launchUrl}${hash}`);
  await expect(page.getByTestId('config-form')).toBeVisible();
}

async function startAndRead(page: Page, workbench: Workbench): Promise<RunRow> {
  await page.getByTestId('start-run').click();
  const view = page.getByTestId('run-view');
  await expect(view).toBeVisible();
  const id = Number(await view.getAttribute('data-run-id'));
  await expect(view).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  return workbench.call<RunRow>('runs/get', { id });
}

test('a run from the untouched preset carries its name and tag; an edited one says it was edited', async ({ page, workbench }) => {
  await openLaunch(page, workbench);
  await page.getByTestId('preset-tiny').click();
  await expect(page.getByTestId('preset-edited')).toHaveCount(0);
  await expect(page.getByTestId('run-tags')).toHaveValue('demo');
  const untouched = await startAndRead(page, workbench);
  expect(untouched.name).toMatch(/^tiny: parity d=6 p_cot=0.25/);
  expect(untouched.tags).toEqual(['demo']);

  await openLaunch(page, workbench);
  await page.getByTestId('preset-tiny').click();
  const pCot = page.getByTestId('field-task.p_cot');
  await pCot.fill('0.3');
  await pCot.blur();
  await expect(page.getByTestId('preset-edited')).toContainText('Edited from preset tiny (task.p_cot)');
  await expect(page.getByTestId('run-tags')).toHaveValue('demo (edited)');
  const edited = await startAndRead(page, workbench);
  expect(edited.name).toMatch(/^tiny \(edited\): parity d=6 p_cot=0.3/);
  expect(edited.tags).toEqual(['demo (edited)']);
  expect(edited.config.task.p_cot).toBe(0.3);
});

test('"Clone this run" opens the launch form with its config and name, editable and validated', async ({ page, workbench }) => {
  const runs = await workbench.call<RunRow[]>('runs/list', {});
  const source = runs.find((r) => r.name === 'seeded star')!;
  await page.goto(`${workbench.launchUrl}#/run/${source.id}`);
  await page.getByTestId('clone-run').click();
  await expect(page.getByTestId('config-form')).toBeVisible();
  await expect(page.getByTestId('clone-of')).toContainText(`seeded star (#${source.id})`);
  await expect(page.getByTestId('run-name')).toHaveValue('seeded star (clone)');
  await expect(page.getByTestId('field-task.p_cot')).toHaveValue('0.4');
  await expect(page.getByTestId('field-ntp.steps')).toHaveValue('60');
  await expect(page.getByTestId('run-tags')).toHaveValue('seeded');
  // Validated like any form content.
  const pCot = page.getByTestId('field-task.p_cot');
  await pCot.fill('1.5');
  await pCot.blur();
  await expect(page.getByTestId('error-task.p_cot')).toContainText('task.p_cot must be in [0,1], got 1.5');
  await pCot.fill('0.45');
  await pCot.blur();
  await page.getByTestId('start-run').click();
  const view = page.getByTestId('run-view');
  await expect(view).not.toHaveAttribute('data-run-id', String(source.id));
  const id = Number(await view.getAttribute('data-run-id'));
  await workbench.call('runs/stop', { id });
  const clone = await workbench.call<RunRow & { config: { rl: { algorithm: string } } }>('runs/get', { id });
  expect(clone.name).toBe('seeded star (clone)');
  expect(clone.tags).toEqual(['seeded']);
  expect(clone.config.task.p_cot).toBe(0.45);
  expect(clone.config.rl.algorithm).toBe('star');
});

test('the queue panel cuts long run names with an ellipsis instead of wrapping them into the concurrency control', async ({ page, workbench }) => {
  const long = (n: number) => `run ${n} with a very long descriptive name `.padEnd(190, 'x');
  const config = { task: { kind: 'parity', d: 6, p_cot: 0.5 }, model: { layers: 1, heads: 2, width: 32 }, ntp: { steps: 100_000, batchSize: 8, evalEvery: 0 }, eval: { heldOut: 16 } };
  await workbench.call('queue/setConcurrency', { concurrency: 1 });
  const ids: number[] = [];
  for (const n of [1, 2]) ids.push(...(await workbench.call<{ runIds: number[] }>('runs/start', { config, name: long(n) })).runIds);
  try {
    await openLaunch(page, workbench);
    const panel = page.getByTestId('queue-panel');
    const running = panel.locator('li', { hasText: long(1) }).locator('a');
    const queued = page.getByTestId('queued-run').locator('.name');
    await expect(running).toBeVisible();
    await expect(queued).toBeVisible();
    const control = (await panel.locator('.conc').boundingBox())!;
    for (const name of [running, queued]) {
      const box = (await name.boundingBox())!;
      const row = (await name.locator('xpath=..').boundingBox())!;
      // One line inside its row, below the control, and cut (the full name is in the title).
      expect(box.y).toBeGreaterThanOrEqual(row.y);
      expect(box.y + box.height).toBeLessThanOrEqual(row.y + row.height + 0.5);
      expect(box.y).toBeGreaterThanOrEqual(control.y + control.height);
      expect(box.x + box.width).toBeLessThanOrEqual(row.x + row.width);
      expect(await name.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    }
    await expect(running).toHaveAttribute('title', long(1));
    await expect(queued).toHaveAttribute('title', long(2));
  } finally {
    await workbench.call('queue/cancel', { id: ids[1] });
    await workbench.call('runs/stop', { id: ids[0] });
  }
});
