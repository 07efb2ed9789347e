// `workbench serve` as a real process: kill it -9 while its trainer runs, and read what the
// orphaned trainer left in the store.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../db';

const BIN = fileURLToPath(new URL('../../bin/workbench.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'serve-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('workbench serve killed -9', () => {
  it("leaves its trainer's run interrupted (resumable) with the reason, not stopped", async () => {
    const db = join(dir, 'runs.sqlite');
    const token = 'test-token-for-the-kill-test';
    const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], {
      env: { ...process.env, WORKBENCH_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    server.stdout.on('data', (c) => (stdout += String(c)));
    server.stderr.resume();
    try {
      const url = await until('the server URL', () => /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1]);
      const config = {
        task: { kind: 'parity', d: 4, p_cot: 0.5 },
        model: { layers: 1, heads: 2, width: 16, mlpRatio: 2 },
        ntp: { steps: 100_000, batchSize: 8, evalEvery: 0 },
        eval: { heldOut: 8 },
        backend: 'wasm',
      };
      const started = await fetch(new URL('/api/runs/start', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-workbench-token': token },
        body: JSON.stringify({ config }),
      }).then((r) => r.json());
      expect(started.ok).toBe(true);
      const runId: number = started.data.runIds[0];

      const readRun = () => {
        const store = openStore(db, { readonly: true });
        try {
          return store.getRun(runId)!;
        } finally {
          store.close();
        }
      };
      const trainerPid = await until('the trainer to start', () => {
        const run = readRun();
        // The claim records the server's pid first; the trainer then records its own.
        return run.status === 'running' && run.pid && run.pid !== server.pid ? run.pid : undefined;
      });

      server.kill('SIGKILL');
      await until('the orphaned trainer to exit', () => (alive(trainerPid) ? undefined : true));

      // Read-only: a write open would mark a dead writer's run interrupted itself and hide what the trainer did.
      const run = readRun();
      expect(run.status).toBe('interrupted');
      expect(run.error).toContain(`(process ${server.pid})`);
      expect(run.error).toMatch(/resume/);
    } finally {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    }
  });
});
