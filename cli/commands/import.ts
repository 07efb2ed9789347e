// `workbench import`: runs exported elsewhere (`workbench export --format json`) join this store
// under new ids; nothing already here is overwritten.
import fs from 'node:fs';
import path from 'node:path';
import type { Input } from '../../api/contract';
import { parseFlags, UsageError } from '../args';
import { defaultStorePath, openStoreSession, withStoreSession, type StoreSession } from '../service-session';
import { withStoreErrors } from '../store-args';

export const summary = 'import runs from a JSON export or a long-format CSV into the store, under new ids';

const HELP = `usage: workbench import FILE [--db FILE] [--runs-csv FILE] [--json]

Adds the runs of FILE to the store: a JSON export (workbench export --format json; - reads stdin),
or a long-format metrics CSV (run_id,run_name,group_key,seed,key,step,phase,value,wall_time,
samples_seen: workbench export --format csv, or another tracker's export in that shape). A CSV's
runs take their configs from the per-run table (config.* columns) beside it, X.runs.csv for X.csv,
or --runs-csv FILE; without one they come in with no config. CSV carries no checkpoints.
Runs get new ids; parent links between imported runs are kept. Everything is checked before
anything is written.

  --db FILE        run store (default ${defaultStorePath()})
  --runs-csv FILE  the per-run table of a CSV import
  --json           print {"imported": [{"from": oldId, "to": newId}, ...]}
`;

export async function run(argv: string[]): Promise<number> {
  return withStoreErrors('import', async () => {
    const { values, positionals } = parseFlags(
      argv,
      { db: { type: 'string' }, 'runs-csv': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one FILE to import');
    const source = positionals[0];
    const read = (file: string): string => {
      try {
        return fs.readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (err) {
        throw new UsageError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    let request: Input<'runs/import'>;
    if (source.toLowerCase().endsWith('.csv')) {
      if (source.toLowerCase().endsWith('.runs.csv')) throw new UsageError(`${source} is a per-run table: import the metrics CSV beside it (it reads this one)`);
      const sibling = source.replace(/\.csv$/i, '.runs.csv');
      const runsFile = values['runs-csv'] ?? (fs.existsSync(sibling) ? sibling : null);
      request = { source, csv: { text: read(source), runsText: runsFile ? read(runsFile) : null, runsFile: runsFile ?? '' } };
    } else {
      if (values['runs-csv']) throw new UsageError('--runs-csv goes with a CSV import');
      try {
        request = { source, bundle: JSON.parse(read(source)) };
      } catch (err) {
        if (err instanceof UsageError) throw err;
        throw new UsageError(`${source} is not JSON (${err instanceof Error ? err.message : String(err)}); a CSV import needs a .csv name`);
      }
    }
    const file = values.db ?? defaultStorePath();
    // Checked whole before the store is even opened (a session over no store): a bad bundle creates and changes nothing.
    await withStoreSession(file, 'none', 'workbench import', (api) => api.runs.import({ ...request, checkOnly: true }));
    const created = createdPaths(file);
    let session: StoreSession | undefined;
    try {
      session = await openStoreSession(file, 'write', 'workbench import');
      const { imported: pairs } = await session.api.runs.import(request);
      if (values.json) process.stdout.write(`${JSON.stringify({ imported: pairs })}\n`);
      else {
        process.stdout.write(
          `imported ${pairs.length} run${pairs.length === 1 ? '' : 's'} into ${file}: ${pairs.map((p) => `${p.from} -> ${p.to}`).join(', ')}\n`,
        );
      }
      return 0;
    } catch (err) {
      // A failed import into a store it had to create leaves no store (nor folders) behind.
      await session?.close();
      session = undefined;
      removeCreated(created);
      throw err;
    } finally {
      await session?.close();
    }
  });
}

/** The store file and the folders above it that do not exist yet: what a write open would create. */
function createdPaths(file: string): string[] {
  const out: string[] = [];
  for (let p = path.resolve(file); !fs.existsSync(p); p = path.dirname(p)) out.push(p);
  return out;
}

function removeCreated(created: string[]): void {
  if (created.length === 0) return;
  const [file, ...dirs] = created;
  for (const s of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + s, { force: true });
  for (const d of dirs) {
    try {
      fs.rmdirSync(d);
    } catch {
      break; // not empty: something else lives there now
    }
  }
}
