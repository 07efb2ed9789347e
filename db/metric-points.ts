// One run's values of one metric at the moments a metric-versus-hyperparameter figure reads:
// the end, the best, the end of each phase, and a chosen step. Straight from the narrow metrics
// table (exact values, not downsampled buckets).
import type Database from 'better-sqlite3';
import type { KeyIndex } from './series-writer';
import { stmt } from './statements';

export interface MetricPointRow {
  last: number | null;
  lastStep: number | null;
  ntpLast: number | null;
  rlLast: number | null;
  atStep: number | null;
  max: number | null;
  maxStep: number | null;
  min: number | null;
  minStep: number | null;
}

const LAST_IN_PHASE = 'SELECT value FROM metrics WHERE run_id = ? AND key_id = ? AND phase = ? ORDER BY step DESC LIMIT 1';
const AT_STEP = 'SELECT value FROM metrics WHERE run_id = ? AND key_id = ? AND step <= ? ORDER BY step DESC LIMIT 1';
const SUMMARY = 'SELECT last_value, last_step, min_value, min_step, max_value, max_step FROM run_summary WHERE run_id = ? AND key_id = ?';

export function metricPoint(db: Database.Database, keys: KeyIndex, runId: number, key: string, step: number | null): MetricPointRow | null {
  const keyId = keys.find(key);
  if (keyId === undefined) return null;
  const s = stmt(db, SUMMARY).get(runId, keyId) as
    | { last_value: number | null; last_step: number; min_value: number | null; min_step: number | null; max_value: number | null; max_step: number | null }
    | undefined;
  if (!s) return null;
  const phaseLast = (phase: string) => (stmt(db, LAST_IN_PHASE).pluck().get(runId, keyId, phase) as number | null | undefined) ?? null;
  return {
    last: s.last_value,
    lastStep: s.last_step,
    ntpLast: phaseLast('ntp'),
    rlLast: phaseLast('rl'),
    atStep: step == null ? null : ((stmt(db, AT_STEP).pluck().get(runId, keyId, step) as number | null | undefined) ?? null),
    max: s.max_value,
    maxStep: s.max_step,
    min: s.min_value,
    minStep: s.min_step,
  };
}
