// A run graph submitted to browser mode shows its progress in the launch view's queue panel,
// from the graph/progress events the backend pushes over SSE.
import { expect, test } from './fixtures';

test.use({ storeFor: 'graph-progress' });

interface Preset {
  name: string;
  config: Record<string, unknown> & { ntp: Record<string, unknown> };
}

test('a submitted graph shows done / running / waiting / failed and ends done', async ({ page, workbench }) => {
  await page.goto(workbench.launchUrl);
  await expect(page.getByTestId('app-shell')).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByTestId('queue-panel')).toBeVisible();

  const tiny = (await workbench.call<Preset[]>('presets/list', {})).find((p) => p.name === 'tiny')!;
  const config = { ...tiny.config, rl: null, ntp: { ...tiny.config.ntp, steps: 20 } };
  const { graphId } = await workbench.call<{ graphId: number }>('graph/submit', {
    runs: [0, 1].map((seed) => ({ key: `s${seed}`, name: `e2e graph seed ${seed}`, config: { ...config, seed }, tags: [], branch: null })),
  });

  const graph = page.getByTestId(`graph-${graphId}`);
  await expect(graph).toBeVisible();
  await expect(graph.getByTestId('graph-counts')).toContainText('/2 done');
  await expect(graph.getByTestId('graph-counts')).toHaveText(/2\/2 done · 0 running · 0 waiting · 0 failed/, { timeout: 150_000 });
  await expect(graph).toContainText(`Graph #${graphId} done`);
  await graph.getByRole('button', { name: 'Dismiss' }).click();
  await expect(graph).toHaveCount(0);
});
