import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, HEADLINE_KEYS, type RunStore, type MetricRow, type ExportBundle } from './index';

// The store takes group keys from its callers (the trainer's groupKey in the app); any stable label will do here.
const groupKeyOf = (config: object) => JSON.stringify({ ...config, seed: undefined });
import { CARD_KEYS_V1 } from './schema';

let dir: string;
let store: RunStore;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));
  store = openStore(path.join(dir, 'runs.sqlite'));
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function makeRun(name: string, config: Record<string, unknown>, extra: { tags?: string[]; notes?: string; seed?: number } = {}): number {
  const seed = extra.seed ?? 0;
  return store.createRun({ name, config: { ...config, seed }, seed, groupKey: groupKeyOf(config), tags: extra.tags, notes: extra.notes });
}

function rows(key: string, steps: number[], value: (step: number) => number, phase: (s: number) => 'ntp' | 'rl' = () => 'ntp'): MetricRow[] {
  return steps.map((step) => ({ key, step, phase: phase(step), value: value(step), wallTime: step / 10, samplesSeen: step * 32 }));
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('runs and lists', () => {
  it('creates queued runs, records them, and lists them with summaries', () => {
    const id = makeRun('p25', { task: { d: 20, p_cot: 0.25 } });
    expect(store.getRun(id)?.status).toBe('queued');
    const rec = store.recorder(id);
    rec.markRunning({ backend: 'wasm', backendVersion: '4.22.0', threads: 2, pid: process.pid });
    rec.metrics(rows('eval/greedy_accuracy', [0, 10, 20], (s) => [0.5, 0.9, 0.8][s / 10]));
    rec.metrics(rows('loss', range(0, 21), (s) => 2 - s / 20));
    rec.finish('completed');

    const run = store.getRun(id)!;
    expect(run).toMatchObject({ status: 'completed', backend: 'wasm', backendVersion: '4.22.0', threads: 2, pid: process.pid, lastStep: 20, samplesSeen: 640 });
    expect(run.startedAt).toBeGreaterThan(0);
    expect(run.finishedAt).toBeGreaterThanOrEqual(run.startedAt!);
    expect(run.metrics['eval/greedy_accuracy']).toEqual({ count: 3, firstStep: 0, lastStep: 20, lastValue: 0.8, min: 0.5, minStep: 0, max: 0.9, maxStep: 10 });
    expect(run.metrics.loss).toMatchObject({ count: 21, lastValue: 1, min: 1, minStep: 20, max: 2, maxStep: 0 });

    const [listed] = store.listRuns();
    expect(listed.id).toBe(id);
    expect(listed.config).toEqual({ task: { d: 20, p_cot: 0.25 }, seed: 0 });
    expect(listed.metrics['eval/greedy_accuracy'].lastValue).toBe(0.8);
    expect(store.listRuns({ summaryKeys: ['loss'] })[0].metrics).toEqual({ loss: run.metrics.loss });
  });

  it('filters by status, tags, text, config fields, with limit and offset', () => {
    const a = makeRun('alpha p=0.1', { task: { d: 20, p_cot: 0.1 }, rl: { algorithm: 'grpo', kl: true } }, { tags: ['sweep', 'headline'] });
    const b = makeRun('beta p=0.5', { task: { d: 20, p_cot: 0.5 }, rl: { algorithm: 'star', kl: false } }, { tags: ['sweep'], notes: 'control 50%' });
    const c = makeRun('gamma', { task: { d: 30, p_cot: 0.1 }, rl: null });
    store.setStatus(b, 'failed', 'out of memory');
    store.setStatus(c, 'running');
    const ids = (f: Parameters<RunStore['listRuns']>[0]) => store.listRuns(f).map((r) => r.id);

    expect(ids({})).toEqual([c, b, a]);
    expect(ids({ order: 'id-asc' })).toEqual([a, b, c]);
    expect(ids({ status: ['failed', 'queued'] })).toEqual([b, a]);
    expect(ids({ tags: ['sweep'] })).toEqual([b, a]);
    expect(ids({ tags: ['sweep', 'headline'] })).toEqual([a]);
    expect(ids({ tags: ['nope'] })).toEqual([]);
    expect(ids({ text: 'BETA' })).toEqual([b]);
    expect(ids({ text: '50%' })).toEqual([b]); // notes, with LIKE wildcards escaped
    expect(ids({ text: '%' })).toEqual([b]);
    expect(ids({ text: String(c) })).toEqual([c]);
    expect(ids({ config: { 'task.p_cot': 0.1 } })).toEqual([c, a]);
    expect(ids({ config: { 'task.p_cot': 0.1, 'task.d': 20 } })).toEqual([a]);
    expect(ids({ config: { 'rl.algorithm': 'star' } })).toEqual([b]);
    expect(ids({ config: { 'rl.kl': true } })).toEqual([a]);
    expect(ids({ config: { 'rl.kl': false } })).toEqual([b]);
    expect(ids({ status: ['queued', 'failed'], tags: ['sweep'], config: { 'task.d': 20 }, text: 'p=' })).toEqual([b, a]);
    expect(ids({ limit: 2 })).toEqual([c, b]);
    expect(ids({ limit: 2, offset: 2 })).toEqual([a]);
    expect(ids({ groupKey: groupKeyOf({ task: { d: 30, p_cot: 0.1 }, rl: null }) })).toEqual([c]);
    expect(() => store.listRuns({ config: { "task.d') OR 1=1 --": 1 } })).toThrow(/bad config path/);
    expect(store.getRun(b)).toMatchObject({ status: 'failed', error: 'out of memory' });
  });

  it('keeps cached list rows current as runs change, and drops deleted runs', () => {
    const a = makeRun('a', { x: 1 });
    const b = makeRun('b', { x: 2 });
    const reader = openStore(store.path, { readonly: true });
    expect(reader.listRuns().map((r) => r.name)).toEqual(['b', 'a']);
    store.updateRun(a, { name: 'renamed', tags: ['t'], notes: 'n' });
    const rec = store.recorder(b);
    rec.metrics(rows('loss', [0, 1], (s) => 5 - s));
    rec.flush();
    const listed = reader.listRuns();
    expect(listed.map((r) => [r.name, r.tags, r.notes])).toEqual([['b', [], ''], ['renamed', ['t'], 'n']]);
    expect(listed[0].metrics.loss.lastValue).toBe(4);
    store.deleteRun(a);
    expect(reader.listRuns().map((r) => r.id)).toEqual([b]);
    // The newest run's id is not reused after it is deleted, so no cached row can be mistaken for it.
    store.deleteRun(b);
    const c = makeRun('c', { x: 3 });
    expect(c).toBeGreaterThan(b);
    expect(reader.listRuns().map((r) => r.name)).toEqual(['c']);
    reader.close();
  });

  it('lists the same runs from cached cards as from a fresh query', () => {
    expect([...HEADLINE_KEYS]).toEqual([...CARD_KEYS_V1]);
    const id = makeRun('x', { task: { d: 4 } }, { tags: ['t'] });
    const rec = store.recorder(id);
    rec.metrics(rows('loss', [0, 1, 2], (s) => 3 - s));
    rec.metrics(rows('lr', [0, 1, 2], () => 0.1));
    rec.finish('completed');
    const fromCards = store.listRuns();
    const fresh = store.listRuns({ summaryKeys: [...HEADLINE_KEYS, 'not-logged'] });
    expect(fromCards).toEqual(fresh);
    expect(Object.keys(fromCards[0].metrics)).toEqual(['loss']);
    expect(fromCards[0].rev).toBe(store.db.prepare('SELECT rev FROM runs WHERE id = ?').pluck().get(id));
  });

  it('deleting a run removes its data and unlinks runs branched from it', () => {
    const parent = makeRun('ntp', { a: 1 });
    const rec = store.recorder(parent);
    rec.metrics(rows('loss', range(0, 50), (s) => s));
    rec.samples([{ phase: 'ntp', step: 3, kind: 'greedy', prompt: '0110=', response: '0', correct: true, length: 1 }]);
    const ckpt = rec.checkpoint({ phase: 'ntp', step: 49, bytes: new Uint8Array([1, 2, 3]), meta: { step: 49 } });
    rec.finish('completed');
    const child = store.createRun({ name: 'rl', config: {}, seed: 0, groupKey: 'x', parentRunId: parent, parentCheckpointId: ckpt });
    store.deleteRun(parent);
    expect(store.getRun(parent)).toBeUndefined();
    for (const table of ['metrics', 'run_summary', 'metric_tiles', 'samples', 'checkpoints']) {
      expect(store.db.prepare(`SELECT count(*) FROM ${table} WHERE run_id = ?`).pluck().get(parent)).toBe(0);
    }
    expect(store.getRun(child)).toMatchObject({ parentRunId: null, parentCheckpointId: null });
  });
});

describe('recorder', () => {
  it('flushes buffered metrics within about a second without being asked', async () => {
    const id = makeRun('live', {});
    const rec = store.recorder(id);
    const reader = openStore(store.path, { readonly: true });
    const count = () => reader.db.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck().get(id);
    rec.metrics(rows('loss', [0], () => 1));
    expect(count()).toBe(0);
    await new Promise((r) => setTimeout(r, 1400));
    expect(count()).toBe(1);
    rec.finish('stopped');
    reader.close();
  });

  it('stores checkpoints and samples, newest samples first', () => {
    const id = makeRun('c', {});
    const rec = store.recorder(id);
    rec.metrics(rows('loss', [0, 1, 2], () => 1));
    const bytes = new Uint8Array(1000).map((_, i) => i % 251);
    const c1 = rec.checkpoint({ phase: 'ntp', step: 2, bytes, meta: { model: { layers: 2 } } });
    // The checkpoint flushed the buffered metrics first.
    expect(store.db.prepare('SELECT count(*) FROM metrics WHERE run_id = ?').pluck().get(id)).toBe(3);
    const c2 = rec.checkpoint({ phase: 'rl', step: 5, bytes: new Uint8Array([9]), meta: null });
    rec.samples([
      { phase: 'ntp', step: 1, kind: 'greedy', prompt: 'a', response: 'b', correct: false, length: 1 },
      { phase: 'rl', step: 5, kind: 'rollout', prompt: 'c', response: 'd', correct: true, length: 5 },
    ]);
    rec.finish('completed');
    expect(store.listCheckpoints(id).map((c) => [c.id, c.step, c.phase, c.size])).toEqual([[c1, 2, 'ntp', 1000], [c2, 5, 'rl', 1]]);
    expect(store.latestCheckpoint(id)?.id).toBe(c2);
    const got = store.getCheckpoint(c1)!;
    expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(got.meta).toEqual({ model: { layers: 2 } });
    expect(store.listSamples(id).map((s) => [s.step, s.correct])).toEqual([[5, true], [1, false]]);
    expect(store.listSamples(id, { phase: 'ntp' })).toHaveLength(1);
    expect(store.listSamples(id, { limit: 1 })[0].kind).toBe('rollout');
    expect(() => rec.metrics([])).toThrow(/closed/);
  });

  it('resumes an interrupted run from its last checkpoint, dropping what came after', () => {
    const id = makeRun('r', {});
    let rec = store.recorder(id);
    rec.metrics(rows('loss', range(0, 100), (s) => 100 - s));
    rec.checkpoint({ phase: 'ntp', step: 60, bytes: new Uint8Array([1]), meta: {} });
    rec.metrics(rows('loss', range(100, 120), () => -5)); // logged after the checkpoint, then lost
    rec.flush();
    store.setStatus(id, 'interrupted');
    const from = store.prepareResume(id);
    expect(from?.step).toBe(60);
    expect(store.getRun(id)).toMatchObject({ status: 'queued', lastStep: 60 });
    expect(store.getRun(id)!.metrics.loss).toMatchObject({ count: 61, lastStep: 60, min: 40 });
    rec = store.recorder(id);
    rec.metrics(rows('loss', range(61, 200), (s) => 1000 + s));
    rec.finish('completed');
    const s = store.getRun(id)!.metrics.loss;
    expect(s).toMatchObject({ count: 200, lastStep: 199, lastValue: 1199, min: 40, max: 1199 });
    const [full] = store.series({ runIds: [id], keys: ['loss'], maxPoints: 1000 });
    expect(full.x).toEqual(range(0, 200));
    const [down] = store.series({ runIds: [id], keys: ['loss'], maxPoints: 50 });
    expect(Math.min(...down.y)).toBe(40);
    expect(Math.max(...down.y)).toBe(1199);
  });

  it('re-logged steps overwrite and keep summaries exact', () => {
    const id = makeRun('o', {});
    const rec = store.recorder(id);
    rec.metrics(rows('loss', range(0, 10), (s) => s));
    rec.flush();
    rec.metrics(rows('loss', [3, 11, 5], () => 50));
    rec.finish('completed');
    expect(store.getRun(id)!.metrics.loss).toMatchObject({ count: 11, lastStep: 11, lastValue: 50, max: 50, maxStep: 3 });
    const [s] = store.series({ runIds: [id], keys: ['loss'], maxPoints: 100 });
    expect(s.y).toEqual([0, 1, 2, 50, 4, 50, 6, 7, 8, 9, 50]);
  });
});

describe('series', () => {
  it('downsamples long series to at most maxPoints and keeps every spike and both extremes', () => {
    const id = makeRun('long', {});
    const rec = store.recorder(id);
    const spikes = new Set([17, 777, 4321, 9998]);
    const dips = new Set([1234, 8000]);
    const value = (s: number) => (spikes.has(s) ? 100 : dips.has(s) ? -100 : Math.sin(s / 300));
    rec.metrics(rows('loss', range(0, 10_000), value, (s) => (s < 6000 ? 'ntp' : 'rl')));
    rec.metrics(rows('acc', [NaN, 1, 2].map((_, i) => i * 5000), (s) => (s === 0 ? NaN : s / 10_000)));
    rec.finish('completed');

    for (const maxPoints of [1000, 333, 100, 20]) {
      const [s] = store.series({ runIds: [id], keys: ['loss'], maxPoints });
      expect(s.downsampled).toBe(true);
      expect(s.count).toBe(10_000);
      expect(s.rlStartStep).toBe(6000);
      expect(s.x.length).toBeLessThanOrEqual(maxPoints);
      expect(s.x.length).toBeGreaterThan(maxPoints / 4);
      for (let i = 1; i < s.x.length; i++) expect(s.x[i]).toBeGreaterThan(s.x[i - 1]);
      for (let i = 0; i < s.x.length; i++) expect(s.y[i]).toBe(value(s.x[i])); // real points only
      const at = new Map(s.x.map((x, i) => [x, s.y[i]]));
      // Spikes in separate buckets all survive; with 10 buckets two spikes share one (a tie).
      if (maxPoints >= 100) for (const k of spikes) expect(at.get(k)).toBe(100);
      for (const k of dips) expect(at.get(k)).toBe(-100);
      expect(Math.max(...s.y)).toBe(100);
    }
    // Other x axes report the same points' samples seen and wall time.
    const [byStep] = store.series({ runIds: [id], keys: ['loss'], maxPoints: 200 });
    const [bySamples] = store.series({ runIds: [id], keys: ['loss'], maxPoints: 200, x: 'samples' });
    const [byWall] = store.series({ runIds: [id], keys: ['loss'], maxPoints: 200, x: 'wall' });
    expect(bySamples.x).toEqual(byStep.x.map((s) => s * 32));
    expect(byWall.x).toEqual(byStep.x.map((s) => s / 10));
    expect(bySamples.y).toEqual(byStep.y);
    // Short series come back raw; NaN points are left out; unknown keys give empty series.
    const [acc, none] = store.series({ runIds: [id], keys: ['acc', 'nope'], maxPoints: 100 });
    expect(acc).toMatchObject({ x: [5000, 10000], y: [0.5, 1], downsampled: false, count: 3 });
    expect(none).toMatchObject({ x: [], y: [], count: 0 });
  });

  it('serves unchanged runs from cache and recomputes runs that changed', () => {
    const a = makeRun('a', {});
    const b = makeRun('b', {});
    const recA = store.recorder(a);
    recA.metrics(rows('loss', range(0, 5000), (s) => s));
    recA.finish('completed');
    const recB = store.recorder(b);
    recB.metrics(rows('loss', range(0, 10), () => 1));
    recB.flush();
    const reader = openStore(store.path, { readonly: true });
    const q = { runIds: [a, b], keys: ['loss', 'nope'], maxPoints: 100 };
    const first = reader.series(q);
    expect(first.map((s) => [s.runId, s.key, s.count])).toEqual([[a, 'loss', 5000], [a, 'nope', 0], [b, 'loss', 10], [b, 'nope', 0]]);
    recB.metrics(rows('loss', range(10, 20), () => 2));
    recB.flush();
    const second = reader.series(q);
    expect(second[0]).toBe(first[0]); // run a did not change: the same object
    expect(second[2].count).toBe(20);
    expect(second[2].y.at(-1)).toBe(2);
    expect(reader.series({ ...q, maxPoints: 50 })[0].x.length).toBeLessThanOrEqual(50);
    reader.close();
    recB.finish('completed');
  });

  it('reads a series on every x axis at once, so another axis of an unchanged run is a cache hit', () => {
    const id = makeRun('axes', {});
    const rec = store.recorder(id);
    rec.metrics([...rows('loss', range(0, 3000), (s) => Math.sin(s / 50)), ...rows('acc', range(0, 50), (s) => s / 50)]);
    rec.finish('completed');
    const reader = openStore(store.path, { readonly: true });
    for (const keys of [['loss'], ['acc']]) {
      const q = { runIds: [id], keys, maxPoints: 200 };
      const [byStep] = reader.series(q);
      const [bySamples] = reader.series({ ...q, x: 'samples' });
      const [byWall] = reader.series({ ...q, x: 'wall' });
      // The same points, their samples seen and wall time as x; and served again from memory.
      expect(bySamples.x).toEqual(byStep.x.map((s) => s * 32));
      expect(byWall.x).toEqual(byStep.x.map((s) => s / 10));
      expect(bySamples.y).toEqual(byStep.y);
      expect(reader.series({ ...q, x: 'samples' })[0]).toBe(bySamples);
    }
    // The first query on 'samples' of a fresh reader gives what 'step' first would have.
    const other = openStore(store.path, { readonly: true });
    const [first] = other.series({ runIds: [id], keys: ['loss'], maxPoints: 200, x: 'samples' });
    expect(first.x).toEqual(reader.series({ runIds: [id], keys: ['loss'], maxPoints: 200 })[0].x.map((s) => s * 32));
    other.close();
    reader.close();
  });

  it('downsampled buckets are exactly the min and max of the raw points', () => {
    const id = makeRun('random', {});
    const rec = store.recorder(id);
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const values = range(0, 5000).map(() => rand());
    // Logged in small flushes, as a trainer does, so tiles are extended across transactions.
    for (let s = 100; s < 5100; s += 250) {
      rec.metrics(rows('v', range(s, s + 250), (step) => values[step - 100]));
      rec.flush();
    }
    rec.finish('completed');
    const [s] = store.series({ runIds: [id], keys: ['v'], maxPoints: 400 });
    expect(s.downsampled).toBe(true);
    // Recover the bucket width from the points and compare with a brute-force min/max.
    const width = [4, 8, 12, 16, 20, 24, 28, 32, 48, 64].find((w) => {
      const buckets = new Map<number, number[]>();
      for (let step = 100; step < 5100; step++) {
        const b = Math.floor(step / w);
        buckets.set(b, [...(buckets.get(b) ?? []), step]);
      }
      const expected: number[] = [];
      for (const steps of buckets.values()) {
        let lo = steps[0], hi = steps[0];
        for (const st of steps) {
          if (values[st - 100] < values[lo - 100]) lo = st;
          if (values[st - 100] > values[hi - 100]) hi = st;
        }
        expected.push(...(lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo]));
      }
      return JSON.stringify(expected) === JSON.stringify(s.x);
    });
    expect(width).toBeDefined();
    expect(s.x.length).toBeLessThanOrEqual(400);
  });

  it('aggregates a seed group per step: mean, min, max, std', () => {
    const config = { task: { d: 20, p_cot: 0.25 } };
    const runs = [1, 2, 3].map((seed) => makeRun(`s${seed}`, config, { seed }));
    runs.forEach((id, i) => {
      const rec = store.recorder(id);
      rec.metrics(rows('acc', range(0, i === 2 ? 50 : 60), (s) => s + (i + 1)));
      rec.metrics(rows('long', range(0, 20_000), (s) => (s % 1000) + 10 * i));
      rec.finish('completed');
    });
    const other = makeRun('other', { task: { d: 21 } });
    void other;
    const [acc, long] = store.groupSeries({ groupKey: groupKeyOf(config), keys: ['acc', 'long'], maxPoints: 100 });
    expect(acc.runIds).toEqual(runs);
    expect(acc.downsampled).toBe(false);
    expect(acc.x).toEqual(range(0, 60));
    expect(acc.mean[10]).toBeCloseTo(12);
    expect(acc.min[10]).toBe(11);
    expect(acc.max[10]).toBe(13);
    expect(acc.std[10]).toBeCloseTo(Math.sqrt(2 / 3));
    expect(acc.n[10]).toBe(3);
    expect(acc.n[55]).toBe(2); // the third run stopped at step 49
    expect(acc.mean[55]).toBeCloseTo(55 + 1.5);

    expect(long.downsampled).toBe(true);
    expect(long.x.length).toBeLessThanOrEqual(100);
    expect(long.x.length).toBeGreaterThan(25);
    for (let i = 0; i < long.x.length; i++) {
      expect(long.n[i]).toBe(3);
      expect(long.max[i] - long.min[i]).toBeCloseTo(20); // seeds differ by a constant 10
      expect(long.mean[i]).toBeCloseTo(long.min[i] + 10);
      expect(long.std[i]).toBeCloseTo(Math.sqrt(200 / 3));
    }
    expect(store.groupSeries({ runIds: [runs[0]], keys: ['acc'], maxPoints: 100 })[0].std.every((s) => s === 0)).toBe(true);
  });
});

describe('export and import', () => {
  function populate(target: RunStore): { ntp: number; rl: number } {
    const ntp = target.createRun({ name: 'ntp, "quoted"', config: { task: { kind: 'parity', d: 8, p_cot: 0.25 }, seed: 1 }, seed: 1, groupKey: 'g1', tags: ['a'], notes: 'n' });
    let rec = target.recorder(ntp);
    rec.markRunning({ backend: 'cpu', backendVersion: '4.22.0', threads: 1, pid: process.pid });
    rec.metrics(rows('loss', range(0, 3000), (s) => (s === 5 ? NaN : s === 6 ? Infinity : s === 7 ? -Infinity : 1 / (s + 1))));
    rec.samples([{ phase: 'ntp', step: 2, kind: 'sampled', prompt: '0101=', response: '0 1 1 0 0', correct: false, length: 5 }]);
    const ckpt = rec.checkpoint({ phase: 'ntp', step: 2999, bytes: new Uint8Array([0, 255, 7, 128]), meta: { step: 2999, model: { layers: 2 } } });
    rec.finish('completed');
    const rl = target.createRun({ name: 'rl', config: { task: { kind: 'parity', d: 8, p_cot: 0.25 }, seed: 1 }, seed: 1, groupKey: 'g2', parentRunId: ntp, parentCheckpointId: ckpt });
    rec = target.recorder(rl);
    rec.metrics(rows('reward', range(3000, 3100), (s) => s / 3100, () => 'rl'));
    rec.finish('failed', 'diverged');
    return { ntp, rl };
  }

  /** A bundle with ids replaced by their position, to compare across stores. */
  function normalise(b: ExportBundle) {
    const runIndex = new Map(b.runs.map((r, i) => [r.id, i]));
    const ckptIndex = new Map(b.runs.flatMap((r) => r.checkpoints).map((c, i) => [c.id, i]));
    return b.runs.map((r) => ({
      ...r,
      id: runIndex.get(r.id),
      parentRunId: r.parentRunId === null ? null : runIndex.get(r.parentRunId),
      parentCheckpointId: r.parentCheckpointId === null ? null : ckptIndex.get(r.parentCheckpointId),
      checkpoints: r.checkpoints.map((c) => ({ ...c, id: ckptIndex.get(c.id) })),
    }));
  }

  it('round-trips runs into another store losslessly, under new ids with parent links remapped', () => {
    const { ntp, rl } = populate(store);
    const bundle = JSON.parse(JSON.stringify(store.exportRuns([ntp, rl], { checkpoints: true })));

    const other = openStore(path.join(dir, 'other.sqlite'));
    const existing = other.createRun({ name: 'already here', config: {}, seed: 0, groupKey: 'z' });
    other.createRun({ name: 'and here', config: {}, seed: 0, groupKey: 'z' });
    const [newNtp, newRl] = other.importBundle(bundle);
    expect(new Set([existing, newNtp, newRl]).size).toBe(3);
    expect(other.getRun(existing)?.name).toBe('already here');
    expect(newNtp).not.toBe(ntp);

    const again = other.exportRuns([newNtp, newRl], { checkpoints: true });
    expect(normalise(again)).toEqual(normalise(bundle));
    const rlRun = other.getRun(newRl)!;
    expect(rlRun.parentRunId).toBe(newNtp);
    expect(rlRun.parentCheckpointId).toBe(other.latestCheckpoint(newNtp)!.id);
    expect(rlRun).toMatchObject({ status: 'failed', error: 'diverged' });
    // Summaries, progress and downsampled series match the source store.
    const strip = ({ id: _i, parentRunId: _p, parentCheckpointId: _c, checkpoints: _k, rev: _r, ...rest }: Record<string, unknown>) => rest;
    expect(strip({ ...other.getRun(newNtp)! })).toEqual(strip({ ...store.getRun(ntp)! }));
    const a = store.series({ runIds: [ntp], keys: ['loss'], maxPoints: 300 })[0];
    const b = other.series({ runIds: [newNtp], keys: ['loss'], maxPoints: 300 })[0];
    expect([b.x, b.y]).toEqual([a.x, a.y]);
    expect(Buffer.from(other.getCheckpoint(rlRun.parentCheckpointId!)!.bytes)).toEqual(Buffer.from([0, 255, 7, 128]));
    other.close();
  });

  it('exports without checkpoints, dropping links to them', () => {
    const { ntp, rl } = populate(store);
    const bundle = store.exportRuns([rl], { checkpoints: false });
    expect(bundle.runs[0].checkpoints).toEqual([]);
    const [copy] = store.importBundle(bundle);
    expect(store.getRun(copy)).toMatchObject({ parentRunId: null, parentCheckpointId: null, name: 'rl' });
    expect(store.listCheckpoints(ntp)).toHaveLength(1);
  });

  it('rejects a file that is not an export, naming the field', () => {
    expect(() => store.importBundle({ format: 'ntp-rl-workbench/runs', version: 1, schemaVersion: 1, exportedAt: '', runs: [{ id: 'x' }] })).toThrow(
      /not a workbench export: runs\.0\./,
    );
    expect(() => store.importBundle([1, 2])).toThrow(/not a workbench export/);
  });

  it('writes long-format CSV', () => {
    const { ntp, rl } = populate(store);
    const lines = store.exportCsv([ntp, rl]).trimEnd().split('\n');
    expect(lines[0]).toBe('run_id,run_name,group_key,seed,key,step,phase,value,wall_time,samples_seen');
    expect(lines).toHaveLength(1 + 3000 + 100);
    expect(lines[1]).toBe(`${ntp},"ntp, ""quoted""",g1,1,loss,0,ntp,1,0,0`);
    expect(lines).toContain(`${ntp},"ntp, ""quoted""",g1,1,loss,5,ntp,NaN,0.5,160`);
    expect(lines).toContain(`${ntp},"ntp, ""quoted""",g1,1,loss,6,ntp,Infinity,0.6,192`);
    expect(lines.at(-1)).toBe(`${rl},rl,g2,1,reward,3099,rl,${3099 / 3100},309.9,99168`);
  });
});
