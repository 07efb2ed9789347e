// The import side's trust boundary: an export bundle is checked against the same schema and
// bounds as the API (names, notes, tags, experiment configs) and for what a schema alone cannot
// see (duplicate ids, parent cycles, duplicate metric rows) before anything is written.
import { z } from 'zod';
import { experimentSchema } from '../vocabulary/experiment-config';
import { upgradeLegacyConfig } from './legacy-configs';
import { RUN_STATUSES } from '../vocabulary/runs';
import { StoreError } from './errors';

/** Bounds shared with api/contract.ts (runs/update). */
export const MAX_NAME = 200;
export const MAX_NOTES = 20_000;
export const MAX_TAGS = 50;
export const MAX_TAG = 100;
/** A trillion steps: far past any run, far below where doubles stop being exact integers. */
export const MAX_STEP = 1e12;
const MAX_TEXT = 100_000;

const phase = z.enum(['ntp', 'rl']);
/** JSON has no NaN or infinities: they travel as strings. SQLite stores NaN as null. */
const metricValue = z.union([z.number(), z.null(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const step = z.number().int('must be an integer').min(0, 'must not be negative').max(MAX_STEP, `must be at most ${MAX_STEP}`);
const count = z.number().int('must be an integer').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER);
const time = z.number().finite().min(0, 'must not be negative');
// Canonical base64: a multiple of 4 characters, padding only at the end. Not one regex with a
// repeated group: V8 backtracks through it recursively and overflows the stack on strings above a
// few MB, which a standard-scale checkpoint with its AdamW moments (6 MB of base64) already is.
const base64 = z.string().refine((s) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s), 'must be base64');

const seriesSchema = z
  .object({
    key: z.string().min(1).max(MAX_NAME),
    step: z.array(step),
    phase: z.array(phase),
    value: z.array(metricValue),
    wallTime: z.array(time),
    samplesSeen: z.array(count),
  })
  .refine(
    (s) => [s.phase, s.value, s.wallTime, s.samplesSeen].every((a) => a.length === s.step.length),
    { message: 'series arrays must have equal lengths' },
  );

/** A run's config: a valid experiment (what branching and resuming will parse), or null for runs from elsewhere. */
const configSchema = z.unknown().superRefine((config, ctx) => {
  if (config === null) return;
  const parsed = experimentSchema.safeParse(config);
  if (parsed.success) return;
  for (const issue of parsed.error.issues.slice(0, 3)) {
    ctx.addIssue({ code: 'custom', message: `not a valid experiment config: ${issue.message}`, path: issue.path });
  }
});

const runSchema = z.object({
  id: z.number().int(),
  name: z.string().max(MAX_NAME, `must be at most ${MAX_NAME} characters`),
  status: z.enum(RUN_STATUSES),
  createdAt: time,
  startedAt: time.nullable(),
  finishedAt: time.nullable(),
  config: configSchema,
  seed: count,
  groupKey: z.string().max(MAX_TEXT),
  backend: z.string().max(MAX_NAME).nullable(),
  backendVersion: z.string().max(MAX_NAME).nullable(),
  threads: count.nullable(),
  pid: count.nullable(),
  host: z.string().max(MAX_NAME).nullable(),
  parentRunId: z.number().int().nullable(),
  parentCheckpointId: z.number().int().nullable(),
  tags: z.array(z.string().max(MAX_TAG, `must be at most ${MAX_TAG} characters`)).max(MAX_TAGS, `at most ${MAX_TAGS} tags`),
  notes: z.string().max(MAX_NOTES, `must be at most ${MAX_NOTES} characters`),
  error: z.string().max(MAX_TEXT).nullable(),
  metrics: z.array(seriesSchema),
  samples: z.array(
    z.object({
      phase,
      step,
      kind: z.enum(['greedy', 'sampled', 'rollout']),
      prompt: z.string().max(MAX_TEXT),
      response: z.string().max(MAX_TEXT),
      correct: z.boolean(),
      length: count,
    }),
  ),
  checkpoints: z.array(
    z.object({
      id: z.number().int(),
      phase,
      step,
      createdAt: time,
      meta: z.unknown(),
      /** base64 */
      bytes: base64,
    }),
  ),
});

export const exportBundleSchema = z.object({
  format: z.literal('ntp-rl-workbench/runs'),
  version: z.literal(1),
  schemaVersion: z.number(),
  exportedAt: z.string(),
  runs: z.array(runSchema),
});

export type ExportBundle = z.infer<typeof exportBundleSchema>;
export type ExportedRun = ExportBundle['runs'][number];

type Path = (string | number)[];

/** `runs.3.metrics.0.step.12`: the JSON path of a problem. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}

/** What the schema cannot see: ids unique, parents acyclic, one row per (run, key, step). */
function crossChecks(bundle: ExportBundle): { path: Path; message: string }[] {
  const problems: { path: Path; message: string }[] = [];
  const runIndex = new Map<number, number>();
  const ckptIndex = new Map<number, number>();
  bundle.runs.forEach((r, i) => {
    const seen = runIndex.get(r.id);
    if (seen !== undefined) problems.push({ path: ['runs', i, 'id'], message: `duplicate run id ${r.id} (also runs.${seen})` });
    else runIndex.set(r.id, i);
    r.checkpoints.forEach((c, j) => {
      if (ckptIndex.has(c.id)) problems.push({ path: ['runs', i, 'checkpoints', j, 'id'], message: `duplicate checkpoint id ${c.id}` });
      else ckptIndex.set(c.id, i);
    });
    if (r.parentRunId === r.id) problems.push({ path: ['runs', i, 'parentRunId'], message: `run ${r.id} is its own parent` });
    const keys = new Map<string, number>();
    r.metrics.forEach((s, j) => {
      const other = keys.get(s.key);
      if (other !== undefined) problems.push({ path: ['runs', i, 'metrics', j, 'key'], message: `key '${s.key}' appears twice (also metrics.${other}): duplicate (run, key, step) rows` });
      keys.set(s.key, j);
      const steps = new Set<number>();
      for (let k = 0; k < s.step.length; k++) {
        if (steps.has(s.step[k])) {
          problems.push({ path: ['runs', i, 'metrics', j, 'step', k], message: `step ${s.step[k]} of '${s.key}' appears twice` });
          break;
        }
        steps.add(s.step[k]);
      }
    });
  });
  bundle.runs.forEach((r, i) => {
    if (r.parentCheckpointId !== null && r.parentRunId !== null && ckptIndex.has(r.parentCheckpointId) && bundle.runs[ckptIndex.get(r.parentCheckpointId)!].id !== r.parentRunId) {
      problems.push({ path: ['runs', i, 'parentCheckpointId'], message: `checkpoint ${r.parentCheckpointId} is not from the parent run ${r.parentRunId}` });
    }
    // Follow parent links inside the bundle: a walk longer than the bundle has gone round a cycle.
    let cur: number | null = r.parentRunId;
    for (let hops = 0; cur !== null && runIndex.has(cur) && cur !== r.id; hops++) {
      if (hops > bundle.runs.length) break;
      cur = bundle.runs[runIndex.get(cur)!].parentRunId;
    }
    if (cur === r.id && r.parentRunId !== r.id) problems.push({ path: ['runs', i, 'parentRunId'], message: `parent links of run ${r.id} form a cycle` });
  });
  return problems;
}

const SHOWN = 5;

/** The bundle, checked; or a StoreError listing the first problems with their JSON paths. */
export function parseBundle(input: unknown, source = 'the bundle'): ExportBundle {
  const parsed = exportBundleSchema.safeParse(input);
  const problems = parsed.success
    ? crossChecks(parsed.data)
    : parsed.error.issues.map((i) => ({ path: i.path as Path, message: i.message }));
  if (problems.length === 0) {
    const bundle = parsed.data!;
    return { ...bundle, runs: bundle.runs.map((r) => ({ ...r, config: upgradeLegacyConfig(r.config, bundle.schemaVersion) })) };
  }
  const shown = problems.slice(0, SHOWN).map((p) => `${jsonPath(p.path)}: ${p.message}`);
  const more = problems.length > SHOWN ? ` (and ${problems.length - SHOWN} more)` : '';
  throw new StoreError(`not a workbench export: ${shown.join('; ')}${more} (${source}; nothing was imported)`, 'invalid');
}
