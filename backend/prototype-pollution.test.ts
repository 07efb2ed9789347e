// Crafted config paths through the real HTTP server and dispatcher: a `__proto__`, `prototype` or
// `constructor` segment in a sweep path or a branch override is a field error, Object.prototype
// stays clean, and the server keeps answering valid requests correctly afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../db';
import { parseConfig } from '../vocabulary/experiment-config';
import { createWorkbenchService, type WorkbenchService } from './service';
import { startServer, type RunningServer } from './http-server';

const TINY = {
  task: { kind: 'parity', d: 4, p_cot: 0.5 },
  model: { layers: 1, heads: 2, width: 16, mlpRatio: 2 },
  ntp: { steps: 4, batchSize: 8, evalEvery: 0, checkpointEvery: 2 },
  rl: null,
  eval: { heldOut: 8 },
  backend: 'cpu',
};

let dir: string;
let service: WorkbenchService;
let server: RunningServer;
let checkpointId: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-proto-'));
  const db = join(dir, 'runs.sqlite');
  // A finished run with a checkpoint to branch from, written as a trainer would.
  const store = openStore(db);
  const config = parseConfig(TINY);
  const runId = store.createRun({ name: 'parent', config, seed: 0, groupKey: 'g' });
  const recorder = store.recorder(runId);
  checkpointId = recorder.checkpoint({ phase: 'ntp', step: 4, bytes: new Uint8Array([1, 2, 3]), meta: {} });
  recorder.finish('completed');
  store.close();
  const staticDir = join(dir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>workbench</title>');
  service = await createWorkbenchService({ storePath: db, mode: 'browser' });
  server = await startServer({ backend: service, staticDir });
});

afterAll(async () => {
  await server.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api(method: string, body: unknown): Promise<{ ok: boolean; data?: unknown; error?: { code: string; message: string; fieldErrors?: { path: string; message: string }[] } }> {
  const res = await fetch(new URL(`/api/${method}`, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-workbench-token': server.token },
    body: JSON.stringify(body),
  });
  return res.json();
}

describe('prototype pollution through config paths', () => {
  it('refuses prototype-reaching sweep paths and override keys with a field error', async () => {
    for (const path of ['__proto__.polluted', 'task.__proto__.text', 'constructor.prototype.polluted', 'task.prototype']) {
      const reply = await api('runs/start', { config: TINY, sweep: [{ path: 'seed', values: [0] }, { path, values: [1] }] });
      expect(reply.ok, path).toBe(false);
      expect(reply.error?.code).toBe('bad-request');
      expect(reply.error?.fieldErrors?.[0]?.path).toBe('sweep.1.path');
      expect(reply.error?.message).toContain('is not a config field');
    }
    for (const key of ['__proto__.x', 'rl.__proto__.text', 'constructor.prototype.x']) {
      const reply = await api('runs/branch', { checkpointId, overrides: { [key]: 1 } });
      expect(reply.ok, key).toBe(false);
      expect(reply.error?.code).toBe('bad-request');
      expect(reply.error?.fieldErrors?.[0]?.path).toBe(`overrides.${key}`);
    }
    const proto = Object.prototype as unknown as Record<string, unknown>;
    expect([proto.polluted, proto.text, proto.x]).toEqual([undefined, undefined, undefined]);
  });

  it('still validates a valid config and lists runs afterwards', async () => {
    const check = await api('config/validate', { config: TINY });
    expect(check).toMatchObject({ ok: true, data: { ok: true, errors: [] } });
    const listed = await api('runs/list', {});
    expect(listed.ok).toBe(true);
    expect((listed.data as { name: string }[]).map((r) => r.name)).toEqual(['parent']);
  });
});
