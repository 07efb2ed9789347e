// Test helper run as a separate process: writes one run's metrics as fast as it can.
// Usage: node --import tsx db/testing/writer-child.ts DB RUN_ID SECONDS|forever KEYS
// Prints "flushed <step>" after each explicit flush: every step up to <step> is committed.
import { openStore } from '../index';

const [file, runIdArg, duration, keysArg] = process.argv.slice(2);
const runId = Number(runIdArg);
const keys = Array.from({ length: Number(keysArg ?? 10) }, (_, i) => `k${i}`);
const until = duration === 'forever' ? Infinity : Date.now() + Number(duration) * 1000;

const store = openStore(file);
const rec = store.recorder(runId);
rec.markRunning({ backend: 'test', backendVersion: '0', threads: 1, pid: process.pid });
let step = 0;
while (Date.now() < until) {
  for (let i = 0; i < 50; i++, step++) {
    rec.metrics(keys.map((key, k) => ({ key, step, phase: 'ntp', value: step * 1000 + k, wallTime: step / 100, samplesSeen: step * 8 })));
  }
  rec.flush();
  process.stdout.write(`flushed ${step - 1}\n`);
}
rec.finish('completed');
store.close();
process.stdout.write('done\n');
