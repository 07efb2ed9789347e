// What PRAGMA quick_check costs on open for write, against store size (node --import tsx bench/store-check.bench.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../db';
const file = path.join(os.tmpdir(), `store-check-bench-${process.pid}.sqlite`);
fs.rmSync(file, { force: true });
const store = openStore(file);
for (let r = 0; r < 20; r++) {
  const id = store.createRun({ name: `r${r}`, config: null, seed: r, groupKey: 'g' });
  const rec = store.recorder(id);
  for (const key of ['a', 'b', 'c', 'd', 'e']) rec.metrics(Array.from({ length: 20_000 }, (_, step) => ({ key, step, phase: 'ntp' as const, value: Math.random(), wallTime: step, samplesSeen: step })));
  rec.finish('completed');
}
store.close();
console.log('size MB', (fs.statSync(file).size / 1e6).toFixed(1));
const db = new Database(file, { readonly: true });
for (const p of ['quick_check', 'quick_check', 'integrity_check']) { const t = performance.now(); db.pragma(p); console.log(p, (performance.now() - t).toFixed(0), 'ms'); }
db.close();
let t = performance.now(); openStore(file).close(); console.log('openStore (write, with quick_check)', (performance.now() - t).toFixed(0), 'ms');
t = performance.now(); openStore(file, { integrity: 'none' }).close(); console.log('openStore (write, no check)', (performance.now() - t).toFixed(0), 'ms');
fs.rmSync(file, { force: true });
