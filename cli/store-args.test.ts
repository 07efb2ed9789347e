// Run id selections on real store files, through the CLI dispatcher where the echo matters.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../db';
import { parseRunIds, selectRunIds } from './store-args';
import { runCliInProcess } from './testing/run-in-process';

let dir: string;
let db: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-run-ids-'));
  db = path.join(dir, 'runs.sqlite');
  const store = openStore(db);
  for (const name of ['a', 'b']) store.createRun({ name, config: {}, seed: 0, groupKey: name });
  store.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('run id selections', () => {
  it('keeps ranges as ranges and matches them against the ids that exist', () => {
    const ranges = parseRunIds('2-4,1,3')!;
    expect(ranges).toEqual([{ from: 2, to: 4 }, { from: 1, to: 1 }, { from: 3, to: 3 }]);
    expect(selectRunIds(ranges, [1, 2, 3, 9])).toEqual({ ids: [2, 3, 1], missing: '4' });
    expect(selectRunIds(parseRunIds('1-5000000')!, [1, 2])).toEqual({ ids: [1, 2], missing: '3-5000000' });
    expect(parseRunIds('all')).toBeNull();
  });

  it('answers `--runs 1-5000000` on a store of two runs with one short line', async () => {
    const r = await runCliInProcess(['export', '--db', db, '--runs', '1-5000000', '--format', 'json', '--out', '-']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no run 3-5000000 in');
    expect(r.stderr.length).toBeLessThan(500);
    expect(r.stdout).toBe('');
  });

  it('caps the echo of a malformed --runs value', async () => {
    const r = await runCliInProcess(['export', '--db', db, '--runs', `x${'9'.repeat(100_000)}`, '--format', 'json', '--out', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--runs takes ids like 3,5-8 or all, got 'x999");
    expect(r.stderr.length).toBeLessThan(500);
  });
});
