// The one Export menu (components/ExportMenu.svelte) in the runs list: closed and inert with
// nothing selected, and exporting the selected runs once a run is ticked.
import fs from 'node:fs';
import { expect, test } from './fixtures';
import { seedStore } from './seed-store';

test.use({ storeFor: 'export-menu' });
test.use({ seedStore: { seed: seedStore } });

test('the runs list exports the selected runs from the Export menu', async ({ page, workbench }) => {
  const runs = await workbench.call<{ id: number; name: string }[]>('runs/list', {});
  const run = runs.find((r) => r.name === 'seeded star')!;
  await page.goto(workbench.launchUrl);
  const menu = page.locator('details:has([data-testid="export-menu"])');
  await page.getByTestId('export-menu').click();
  await expect(menu).not.toHaveAttribute('open', ''); // nothing selected: it does not open
  await page.locator(`[data-testid="run-row"][data-run-id="${run.id}"] input[type="checkbox"]`).check();
  await page.getByTestId('export-menu').click();
  await expect(menu).toHaveAttribute('open', '');
  const [download] = await Promise.all([page.waitForEvent('download'), menu.getByRole('button', { name: 'Runs JSON' }).click()]);
  await expect(menu).not.toHaveAttribute('open', '');
  const bundle = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as { runs: { name: string }[] };
  expect(bundle.runs.map((r) => r.name)).toEqual(['seeded star']);
});
