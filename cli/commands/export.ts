// `workbench export`: selected runs as JSON (re-importable), long-format CSV, or an HTML report.
import fs from 'node:fs';
import { parseFlags, UsageError } from '../args';
import { parseRunIds, selectRunIds, withStoreErrors } from '../store-args';
import { checkOutputPath, writeFileAtomic } from '../output-file';
import { defaultStorePath, StoreError, withStoreSession } from '../service-session';

export const summary = 'export runs as JSON (importable), CSV (long format) or an HTML report';

const FORMATS = ['json', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `usage: workbench export --runs IDS|all --format json|csv|html --out FILE [--force] [--db FILE] [--checkpoints] [--keys K1,K2]

  --runs IDS       run ids: 3 or 1,4,7 or 2-5,9, or all
  --format F       json: config, metrics, samples (and checkpoints with --checkpoints), for
                         workbench import on another machine;
                   csv:  one line per metric point:
                         run_id,run_name,group_key,seed,key,step,phase,value,wall_time,samples_seen;
                         and, with --out X.csv, X.runs.csv beside it: one row per run (id, name,
                         status, tags, parent, backend, wall time, config.* columns such as
                         config.task.p_cot, and <key>.last / <key>.best per metric);
                   html: a self-contained comparison report (SVG charts, config diff, summary)
  --out FILE       where to write (- for stdout); never the store itself; written atomically
  --force          replace FILE if it exists (without it an existing FILE is refused)
  --db FILE        run store (default ${defaultStorePath()})
  --checkpoints    json only: include checkpoint weights (base64; can be large)
  --keys K1,K2     html only: metrics to chart (default: accuracy, length, long share, loss, reward)
`;

export async function run(argv: string[]): Promise<number> {
  return withStoreErrors('export', async () => {
    const { values } = parseFlags(argv, {
      runs: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      db: { type: 'string' },
      checkpoints: { type: 'boolean' },
      force: { type: 'boolean' },
      keys: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!values.runs) throw new UsageError('--runs is required (ids like 3,5-8, or all)');
    if (!values.format || !FORMATS.includes(values.format as Format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}${values.format ? `, got '${values.format}'` : ''}`);
    }
    if (!values.out) throw new UsageError('--out FILE is required (- for stdout)');
    const format = values.format as Format;
    if (values.checkpoints && format !== 'json') throw new UsageError('--checkpoints only applies to --format json');
    const wanted = parseRunIds(values.runs);

    const file = values.db ?? defaultStorePath();
    // Checked before and again after the (possibly long) export: nothing is written in between.
    const runsTable = format === 'csv' && values.out !== '-' ? runsTablePath(values.out) : undefined;
    for (const out of [values.out, runsTable]) if (out && out !== '-') checkOutputPath(out, { storePath: file, force: values.force });
    if (!fs.existsSync(file)) throw new StoreError(`no run store at ${file}`, 'not-found');
    const out = values.out;
    return withStoreSession(file, 'read', 'workbench export', async (api) => {
      const existing = await api.runs.ids({});
      const { ids, missing } = wanted ? selectRunIds(wanted, existing) : { ids: existing, missing: '' };
      if (missing) throw new StoreError(`no run ${missing} in ${file}`, 'not-found');
      if (ids.length === 0) throw new StoreError(`no runs in ${file}`, 'not-found');

      let text: string;
      if (format === 'json') text = `${(await api.export.runs({ ids, format: 'json', checkpoints: values.checkpoints ?? false })).content}\n`;
      else if (format === 'csv') text = (await api.export.runs({ ids, format: 'csv' })).content;
      else text = (await api.export.report({ ids, keys: values.keys?.split(',').map((k) => k.trim()).filter(Boolean) })).content;
      if (out === '-') process.stdout.write(text);
      else {
        checkOutputPath(out, { storePath: file, force: values.force });
        if (runsTable) {
          checkOutputPath(runsTable, { storePath: file, force: values.force });
          writeFileAtomic(runsTable, (await api.export.runs({ ids, format: 'runs-csv' })).content, { force: values.force });
          process.stderr.write(`wrote the per-run table to ${runsTable}\n`);
        }
        writeFileAtomic(out, text, { force: values.force });
        process.stderr.write(`exported ${ids.length} run${ids.length === 1 ? '' : 's'} as ${format} to ${out} (${Buffer.byteLength(text).toLocaleString('en')} bytes)\n`);
      }
      return 0;
    });
  });
}

/** X.csv -> X.runs.csv (the per-run table written beside the metrics table). */
export function runsTablePath(out: string): string {
  return out.toLowerCase().endsWith('.csv') ? `${out.slice(0, -4)}.runs.csv` : `${out}.runs.csv`;
}
