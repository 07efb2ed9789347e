// The launch view's Slurm jobs panel against a real single-node cluster (cluster/testing/
// local-cluster.ts; needs root and slurm-wlm): a job submitted from the app shows its task queued
// or running on the cluster, then home as a run of the store, collected without a click.
import { expect, test } from './fixtures';
import { clusterUnavailable, LocalCluster } from '../cluster/testing/local-cluster';
import { getPreset } from '../paper/presets';

test.use({ storeFor: 'slurm-jobs' });

const why = clusterUnavailable();
let cluster: LocalCluster | undefined;

test.beforeAll(async () => {
  if (why) return;
  cluster = await LocalCluster.start();
  // The workbench server, started after this, talks to the test cluster.
  process.env.SLURM_CONF = cluster.confPath;
});
test.afterAll(async () => {
  await cluster?.stop();
  delete process.env.SLURM_CONF;
});

test('a Slurm job shows on the cluster, then comes home on its own', async ({ page, workbench }) => {
  test.skip(why !== null, why ?? '');
  test.setTimeout(240_000);
  await page.goto(`${workbench.launchUrl}#/launch`);
  await expect(page.getByTestId('start-run')).toBeVisible();
  await expect(page.getByTestId('slurm-jobs')).toHaveCount(0); // no jobs yet: no panel

  const tiny = getPreset('tiny')!.config;
  const submitted = await workbench.call<{ job: string }>('slurm/submit', { config: { ...tiny, ntp: { ...tiny.ntp, steps: 12 }, rl: null }, name: 'panel' });
  const job = page.locator(`[data-testid="slurm-job"][data-job="${submitted.job}"]`);
  const task = job.getByTestId('slurm-task');
  await expect(task).toHaveAttribute('data-phase', /^(waiting|running)$/);
  await expect(task).toContainText(/on the cluster|finished, to collect/);
  await expect(task).toHaveAttribute('data-phase', 'collected', { timeout: 200_000 });
  const runs = await workbench.call<{ id: number; status: string }[]>('runs/list', {});
  expect(runs.map((r) => r.status)).toEqual(['completed']);
  await expect(task.getByRole('link', { name: `run #${runs[0]!.id}` })).toBeVisible();
  await expect(job.getByTestId('slurm-collect')).toBeDisabled();
});
