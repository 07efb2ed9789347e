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
