// The store's SQL spells the run statuses once more, in migration 1's CHECK (an old migration
// is never edited, so it cannot be built from the tuple): keep the two from drifting apart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RUN_STATUSES } from '../vocabulary/runs';
import { openStore } from './index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-vocabulary-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the store and the vocabulary', () => {
  it("accepts exactly the vocabulary's run statuses", () => {
    const file = path.join(dir, 'runs.sqlite');
    openStore(file).close();
    const db = new Database(file, { readonly: true });
    try {
      const sql = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'").pluck().get() as string;
      const check = /CHECK \(status IN \(([^)]*)\)\)/.exec(sql);
      expect(check, sql).not.toBeNull();
      const statuses = check![1].split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
      expect(statuses).toEqual([...RUN_STATUSES]);
    } finally {
      db.close();
    }
  });
});
