// The service's three ways of holding the store (ServiceOptions.access), on real files: 'read'
// serves every reading method and refuses the rest without touching the file; 'none' opens no
// store and serves only what works on files; an import checked there writes nothing anywhere.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../db';
import type { Reply } from '../api/contract';
import { createWorkbenchService, type StoreAccess } from './service';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-access-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function fixture(file: string): void {
  const store = openStore(file);
  const id = store.createRun({ name: 'one', config: { task: { kind: 'parity', d: 8, p_cot: 0.25 } }, seed: 0, groupKey: 'g' });
  store.recorder(id).finish('completed');
  store.close();
}

async function session(storePath: string, access: StoreAccess) {
  const service = await createWorkbenchService({ storePath, mode: 'cli', access, adoptQueued: false, concurrency: 0 });
  const call = async (method: string, input: unknown = {}) => (await service.call(method, input)) as Reply<unknown>;
  return { call, close: () => service.close() };
}

describe('store access', () => {
  it("'read' lists and exports, refuses every write as unavailable, and leaves the file as it was", async () => {
    const db = path.join(dir, 'runs.sqlite');
    fixture(db);
    const before = sha(db);
    const s = await session(db, 'read');
    try {
      expect(await s.call('runs/ids')).toEqual({ ok: true, data: [1] });
      const records = (await s.call('runs/records')) as Reply<{ name: string; metrics: object }[]>;
      expect(records.ok && records.data.map((r) => r.name)).toEqual(['one']);
      expect((await s.call('export/runs', { ids: [1], format: 'json' })).ok).toBe(true);
      for (const [method, input] of [['runs/start', { config: {} }], ['runs/delete', { ids: [1] }], ['runs/import', { source: 'x.json', bundle: {} }], ['slurm/collect', { dir }]] as const) {
        expect(await s.call(method, input), method).toEqual({ ok: false, error: { code: 'unavailable', message: `${method}: this session opened the store only for reading` } });
      }
    } finally {
      await s.close();
    }
    expect(sha(db)).toBe(before);
  });

  it("'read' of a missing store names it and creates nothing", async () => {
    const db = path.join(dir, 'missing', 'runs.sqlite');
    await expect(session(db, 'read')).rejects.toThrow(db);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("'none' checks an import without any store, naming the bad field, and refuses what needs the store", async () => {
    const db = path.join(dir, 'new', 'runs.sqlite');
    const s = await session(db, 'none');
    try {
      const bad = await s.call('runs/import', { source: 'bad.json', bundle: { format: 'ntp-rl-workbench/runs', version: 1, schemaVersion: 2, exportedAt: '', runs: [{ id: 1 }] }, checkOnly: true });
      expect(bad.ok).toBe(false);
      expect(!bad.ok && [bad.error.code, bad.error.message]).toEqual(['bad-request', expect.stringMatching(/runs\.0\.name: .*\(bad\.json; nothing was imported\)/s)]);
      expect(await s.call('runs/import', { source: 'x.json', bundle: {} })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      expect(await s.call('runs/list')).toEqual({ ok: false, error: { code: 'unavailable', message: 'runs/list: this session opened no store' } });
      expect(await s.call('runs/import', { source: 'x.json', checkOnly: true })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('give exactly one of bundle or csv') } });
    } finally {
      await s.close();
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("'write' imports a bundle under new ids and reports the pairs", async () => {
    const from = path.join(dir, 'from.sqlite');
    fixture(from);
    const source = openStore(from, { readonly: true });
    const bundle = source.exportRuns([1], { checkpoints: false });
    source.close();
    const db = path.join(dir, 'to.sqlite');
    fixture(db);
    const s = await session(db, 'write');
    try {
      expect(await s.call('runs/import', { source: 'from.json', bundle })).toEqual({ ok: true, data: { imported: [{ from: 1, to: 2 }] } });
      expect(await s.call('runs/ids')).toEqual({ ok: true, data: [1, 2] });
    } finally {
      await s.close();
    }
  });
});
