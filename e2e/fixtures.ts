// Starts browser mode (`workbench serve`) on a fresh temporary run store for each test file and
// hands tests its URL and token.
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Workbench {
  /** Base URL, without the token. */
  url: string;
  /** URL that carries the token: what a user opens. */
  launchUrl: string;
  token: string;
  dbPath: string;
  /** Calls an API method the way the UI does (token header). */
  call<T = unknown>(method: string, input?: unknown): Promise<T>;
}

async function startServe(dbPath: string): Promise<{ child: ChildProcess; launchUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'serve', '--port', '0', '--db', dbPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const launchUrl = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in 60 s\n${stderr}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}\n${stderr}`));
    });
  });
  return { child, launchUrl };
}

export const test = base.extend<{}, { workbench: Workbench; seedStore: { seed(dbPath: string): unknown } | null; storeFor: string }>({
  /** Which spec file the store belongs to (`test.use({ storeFor: 'ui' })` at the top of each file): a
   * different value makes Playwright start a new worker, so no file sees another file's runs. */
  storeFor: ['', { scope: 'worker', option: true }],
  /** Writes runs into the fresh store before the server opens it (`test.use` in a spec file; an
   * object, since Playwright would take a bare function for a fixture). */
  seedStore: [null, { scope: 'worker', option: true }],
  workbench: [
    async ({ seedStore, storeFor: _storeFor }, use) => {
      const dir = mkdtempSync(join(tmpdir(), 'workbench-e2e-'));
      const dbPath = join(dir, 'runs.sqlite');
      seedStore?.seed(dbPath);
      const { child, launchUrl } = await startServe(dbPath);
      const parsed = new URL(launchUrl);
      const token = parsed.searchParams.get('token')!;
      const url = `${parsed.origin}/`;
      const call = async <T,>(method: string, input: unknown = {}) => {
        const response = await fetch(`${url}api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-workbench-token': token },
          body: JSON.stringify(input),
        });
        const reply = (await response.json()) as { ok: boolean; data?: T; error?: { message: string } };
        if (!reply.ok) throw new Error(`${method}: ${reply.error?.message}`);
        return reply.data as T;
      };
      await use({ url, launchUrl, token, dbPath, call });
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
});

export { expect };
