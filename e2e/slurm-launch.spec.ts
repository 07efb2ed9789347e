// The launch form's "Run on: Slurm cluster": a bad option is shown beside its field and nothing is
// sent; a good one goes to slurm/submit with the typed options, and whatever sbatch answers (on a
// machine without a running cluster it fails) is shown on the form, with no run queued locally.
import { expect, test } from './fixtures';

test.use({ storeFor: 'slurm-launch' });

test('Slurm launch: field errors, the request sent, the answer shown, nothing queued here', async ({ page, workbench }) => {
  const submits: unknown[] = [];
  await page.route('**/api/slurm/submit', async (route) => {
    submits.push(route.request().postDataJSON());
    await route.continue();
  });
  await page.goto(`${workbench.launchUrl}#/launch`);
  await expect(page.getByTestId('start-run')).toBeVisible();
  await expect(page.getByTestId('slurm-options')).toHaveCount(0);

  await page.getByTestId('run-on-slurm').check();
  await expect(page.getByTestId('slurm-options')).toBeVisible();
  await expect(page.getByTestId('start-run')).toHaveText('Submit to Slurm');
  await expect(page.getByTestId('sweep-start')).toContainText('to Slurm');

  // A bad time limit: named beside the field, no request.
  await page.getByTestId('slurm-time').fill('two hours');
  await page.getByTestId('start-run').click();
  await expect(page.getByTestId('slurm-time-error')).toContainText('time must be like');
  expect(submits).toHaveLength(0);

  await page.getByTestId('slurm-time').fill('0:10:00');
  await expect(page.getByTestId('slurm-time-error')).toHaveCount(0);
  await page.getByTestId('slurm-partition').fill('debug');
  await page.getByTestId('slurm-cpusPerTask').fill('2');
  await page.getByTestId('slurm-extra').fill('--mem=1G');
  await page.getByTestId('run-name').fill('slurm-ui');
  const answer = page.waitForResponse('**/api/slurm/submit');
  await page.getByTestId('start-run').click();
  const response = await answer;

  expect(submits).toHaveLength(1);
  const sent = submits[0] as { name: string; config: object; options: unknown; sweep?: unknown };
  expect(sent.name).toBe('slurm-ui');
  expect(sent.options).toEqual({ partition: 'debug', time: '0:10:00', cpusPerTask: 2, extra: ['--mem=1G'] });
  expect(sent.config).toHaveProperty('task');
  expect(sent.sweep).toBeUndefined();

  const notice = page.getByTestId('slurm-notice');
  const reply = (await response.json()) as { ok: boolean; data?: { job: string }; error?: { message: string } };
  if (reply.ok) {
    await expect(notice).toContainText(`Submitted Slurm job ${reply.data!.job}`);
    await expect(notice).toContainText('workbench collect');
  } else {
    // No running cluster here: sbatch's own complaint reaches the form.
    await expect(notice).toContainText('Not submitted');
    await expect(notice).toContainText(reply.error!.message);
    await expect(notice).toHaveAttribute('role', 'alert');
  }
  // Nothing started on this machine either way.
  expect(await workbench.call<unknown[]>('runs/list', {})).toEqual([]);
  expect(await workbench.call<{ running: number[]; queued: number[] }>('queue/get', {})).toMatchObject({ running: [], queued: [] });
});
