// Run-store benchmark (issue 4): metric ingest, the compare query, and listing 10k runs.
// Usage: npm run bench:db  (env BENCH_DB_DIR to choose where the temp files go)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type RunStore } from '../db/index';
import { HEADLINE_KEYS } from '../db/summary';
import type { MetricRow } from '../db/types';

const keep = process.env.BENCH_KEEP === "1";
const dir = fs.mkdtempSync(path.join(process.env.BENCH_DB_DIR ?? os.tmpdir(), 'workbench-db-bench-'));
const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function newRun(store: RunStore, name: string, seed = 0): number {
  return store.createRun({ name, config: { task: { d: 20, p_cot: 0.25 }, seed }, seed, groupKey: `g${seed % 10}` });
}

/** Logs `steps` steps of `keys` the way a trainer does: one call per step. */
function logRun(store: RunStore, runId: number, keys: string[], steps: number): void {
  const rec = store.recorder(runId);
  rec.markRunning({ backend: 'bench', backendVersion: '0', threads: 1, pid: process.pid });
  for (let s = 0; s < steps; s++) {
    const rows: MetricRow[] = keys.map((key, k) => ({
      key, step: s, phase: s < steps / 2 ? 'ntp' : 'rl', value: Math.sin(s / 50 + k) + 0.1 * Math.random(),
      wallTime: s * 0.05, samplesSeen: s * 256,
    }));
    rec.metrics(rows);
  }
  rec.finish('completed');
}

function benchIngest(): number {
  const store = openStore(path.join(dir, 'ingest.sqlite'));
  const keys = Array.from({ length: 20 }, (_, i) => `key_${i}`);
  const runId = newRun(store, 'ingest');
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  logRun(store, runId, keys, 50_000); // 20 keys x 50k steps = 1M rows
  const elapsed = ms(t0);
  const cpu = process.cpuUsage(c0);
  const n = (store.db.prepare('SELECT count(*) FROM metrics').pluck().get() as number);
  store.close();
  const rate = n / (elapsed / 1000);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `ingest: ${n.toLocaleString('en')} rows (20 keys x 50k steps, logged step by step through a recorder) in ${(elapsed / 1000).toFixed(2)} s = ` +
      `${Math.round(rate).toLocaleString('en')} rows/s (cpu ${cpuSeconds.toFixed(2)} s = ${Math.round(n / cpuSeconds).toLocaleString('en')} rows per cpu-second)`,
  );
  return rate;
}

function benchCompare(): number {
  const file = path.join(dir, 'compare.sqlite');
  const store = openStore(file);
  const keys = ['loss', 'eval/greedy_accuracy', 'eval/greedy_length_median', 'eval/sampled_long_share'];
  const t0 = performance.now();
  const runIds: number[] = [];
  for (let r = 0; r < 100; r++) {
    const id = newRun(store, `compare-${r}`, r);
    logRun(store, id, keys, 10_000);
    runIds.push(id);
  }
  console.log(`compare setup: 100 runs x 4 keys x 10k steps (4M rows) written in ${(ms(t0) / 1000).toFixed(1)} s`);
  store.close();

  // Read-only connections, as the UI's backend uses. A fresh connection has nothing cached.
  const query = { runIds, keys, maxPoints: 1000 };
  const measure = (reader: RunStore) => {
    const t = performance.now();
    const c = process.cpuUsage();
    const series = reader.series(query);
    const u = process.cpuUsage(c);
    return { wall: ms(t), cpu: (u.user + u.system) / 1000, points: series.reduce((a, s) => a + s.x.length, 0) };
  };
  const cold = [0, 1, 2, 3, 4].map(() => {
    const reader = openStore(file, { readonly: true });
    const m = measure(reader);
    reader.close();
    return m;
  });
  const reader = openStore(file, { readonly: true });
  measure(reader);
  const warm = [0, 1, 2, 3, 4].map(() => measure(reader));
  reader.close();
  const times = cold.map((m) => m.wall);
  console.log(`compare query: 400 series (100 runs x 4 keys x 10k steps) -> <= 1000 points each (${cold[0].points.toLocaleString('en')} points) (goal <= 100 ms):`);
  console.log(`  computed (fresh connection): first ${cold[0].wall.toFixed(1)} ms, median of 5 ${median(times).toFixed(1)} ms (cpu median ${median(cold.map((m) => m.cpu)).toFixed(1)} ms)`);
  console.log(`  repeated on one connection, runs unchanged (cached): median ${median(warm.map((m) => m.wall)).toFixed(1)} ms (cpu ${median(warm.map((m) => m.cpu)).toFixed(1)} ms)`);
  return median(times);
}

function benchList(): number {
  const file = path.join(dir, 'list.sqlite');
  const store = openStore(file);
  const t0 = performance.now();
  store.db.transaction(() => {
    for (let r = 0; r < 10_000; r++) {
      const id = newRun(store, `run-${r}`, r);
      logRun(store, id, [...HEADLINE_KEYS, 'lr', 'grad_norm'], 3);
    }
  })();
  console.log(`list setup: 10k runs with 8 keys each written in ${(ms(t0) / 1000).toFixed(1)} s`);
  store.close();
  const reader = openStore(file, { readonly: true });
  const timed = (label: string) => {
    const t = performance.now();
    const c = process.cpuUsage();
    const n = reader.listRuns().length;
    const u = process.cpuUsage(c);
    const wall = ms(t);
    console.log(`  ${label}: ${n.toLocaleString('en')} runs, ${wall.toFixed(1)} ms (cpu ${((u.user + u.system) / 1000).toFixed(1)} ms)`);
    return wall;
  };
  console.log('list 10k runs with headline summaries (goal <= 50 ms):');
  const cold = timed('first call, nothing cached');
  const times = [1, 2, 3, 4, 5].map(() => timed('again, no run changed'));
  // What a live table sees: a few runs progressed since the last refresh.
  const writer = openStore(file);
  const changed = writer.allRunIds().slice(-100);
  for (const id of changed) writer.updateRun(id, { notes: 'touched' });
  writer.close();
  timed('after 100 runs changed');
  reader.close();
  void cold;
  return median(times);
}

try {
  const only = process.argv[2];
  const result: Record<string, number> = {};
  if (!only || only === 'ingest') result.ingestRowsPerSecond = Math.round(benchIngest());
  if (!only || only === 'compare') result.compareQueryMs = +benchCompare().toFixed(1);
  if (!only || only === 'list') result.list10kRunsMs = +benchList().toFixed(1);
  console.log(JSON.stringify(result));
} finally {
  if (keep) console.log(`kept ${dir}`); else fs.rmSync(dir, { recursive: true, force: true });
}
