// Waiting out another process's write lock. SQLite's busy_timeout already waits 5 s inside each
// statement; a writer whose work must not be lost (a trainer's metrics, an import's chunk) keeps
// trying after that, for as long as another process plausibly holds the lock.
import { sqliteCode } from './errors';

/** How long a writer keeps retrying a transaction the database refuses with SQLITE_BUSY. */
export const BUSY_RETRY_MS = 120_000;

const isBusy = (err: unknown) => sqliteCode(err)?.startsWith('SQLITE_BUSY') ?? false;

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread: the callers are synchronous (better-sqlite3 transactions). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Runs fn, retrying with backoff while it fails with SQLITE_BUSY, up to `totalMs`. */
export function retryBusy<T>(fn: () => T, totalMs = BUSY_RETRY_MS): T {
  const deadline = Date.now() + totalMs;
  for (let wait = 20; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || Date.now() + wait > deadline) throw err;
      sleepSync(wait);
    }
  }
}
