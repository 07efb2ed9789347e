// The foundation works end to end: the shell renders, an API round trip reaches the backend,
// and nothing answers without the per-launch token.
import { expect, test } from './fixtures';
import { APP_CSP, APP_CSP_META } from '../vocabulary/csp';

test.use({ storeFor: 'smoke' });

test('the app shell renders and lists the TensorFlow.js backends of this machine', async ({ page, workbench }) => {
  await page.goto(workbench.launchUrl);
  await expect(page.getByTestId('app-shell')).toBeVisible();
  // The token leaves the address bar once the page has it.
  await expect(page).not.toHaveURL(/token=/);
  const backends = await workbench.call<{ name: string; available: boolean; note: string }[]>('system/backends');
  expect(backends.map((b) => b.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
  const wasm = backends.find((b) => b.name === 'wasm')!;
  expect(wasm.available).toBe(true);
  // The UI shows the same answer it got over the API.
  await expect(page.getByTestId('backend-status')).toContainText('wasm');
});

test('requests without the token are refused and change nothing', async ({ request, workbench }) => {
  const before = await workbench.call<unknown[]>('runs/list', {});
  const page = await request.get(workbench.url);
  expect(page.status()).toBe(401);
  const api = await request.post(`${workbench.url}api/runs/start`, { data: { config: { task: { kind: 'parity', d: 4, p_cot: 0.5 } } } });
  expect(api.status()).toBe(401);
  const wrong = await request.post(`${workbench.url}api/runs/list`, { headers: { 'x-workbench-token': 'not-the-token' }, data: {} });
  expect(wrong.status()).toBe(401);
  expect(await workbench.call<unknown[]>('runs/list', {})).toEqual(before);
});

test('the page runs under the one CSP (header and built meta tag) without a violation', async ({ page, workbench }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const response = await page.goto(workbench.launchUrl);
  expect(response!.headers()['content-security-policy']).toBe(APP_CSP);
  await expect(page.getByTestId('app-shell')).toBeVisible();
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(APP_CSP_META);
  await page.getByTestId('nav-launch').click();
  await page.getByTestId('nav-runs').click();
  expect(violations).toEqual([]);
});
