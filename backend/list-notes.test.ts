// List replies carry a preview of long notes (a 20,000-character note must not ride along with
// every runs/list), the run's detail the full text.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Reply } from '../api/contract';
import type { RunDetail, RunSummary } from '../api/types';
import { openStore } from '../db';
import { NOTES_PREVIEW_CHARS } from '../vocabulary/runs';
import { createWorkbenchService } from './service';

const dir = mkdtempSync(join(tmpdir(), 'list-notes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runs/list notes', () => {
  it('cuts long notes to a marked preview and keeps them whole in runs/get', async () => {
    const storePath = join(dir, 'runs.sqlite');
    const store = openStore(storePath);
    const config = { task: { kind: 'parity', d: 4, p_cot: 0.5 }, seed: 0 };
    const long = store.createRun({ name: 'long notes', config, seed: 0, groupKey: 'g', tags: [] });
    const short = store.createRun({ name: 'short notes', config, seed: 0, groupKey: 'g', tags: [] });
    store.close();
    const service = await createWorkbenchService({ storePath, mode: 'cli', concurrency: 0 });
    const call = async <T,>(method: string, input: unknown): Promise<T> => {
      const reply = (await service.call(method, input)) as Reply<T>;
      if (!reply.ok) throw new Error(reply.error.message);
      return reply.data;
    };
    try {
      const text = 'x'.repeat(20_000);
      await call('runs/update', { id: long, notes: text });
      await call('runs/update', { id: short, notes: 'a short note' });
      const listed = await call<RunSummary[]>('runs/list', { limit: 5 });
      const byId = new Map(listed.map((r) => [r.id, r]));
      expect(byId.get(long)!.notes).toHaveLength(NOTES_PREVIEW_CHARS);
      expect(byId.get(long)!.notesTruncated).toBe(true);
      expect(byId.get(short)!).toMatchObject({ notes: 'a short note' });
      expect(byId.get(short)!.notesTruncated).toBeUndefined();
      expect(JSON.stringify(listed).length).toBeLessThan(5_000);
      expect((await call<RunDetail>('runs/get', { id: long })).notes).toBe(text);
    } finally {
      await service.close();
    }
  });
});
