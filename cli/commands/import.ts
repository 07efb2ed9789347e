// `workbench import`: runs exported elsewhere (`workbench export --format json`) join this store
// under new ids; nothing already here is overwritten.
import fs from 'node:fs';
import path from 'node:path';
import { defaultStorePath, openStore, parseBundle, type RunStore } from '../../db';
import { parseFlags, UsageError } from '../args';
import { withStoreErrors } from '../store-args';

export const summary = 'import runs from a JSON export into the store, under new ids';

const HELP = `usage: workbench import FILE [--db FILE] [--json]

Adds the runs of FILE (written by workbench export --format json; - reads stdin) to the store.
Runs get new ids; parent links between imported runs are kept.

  --db FILE   run store (default ${defaultStorePath()})
  --json      print {"imported": [{"from": oldId, "to": newId}, ...]}
`;

export async function run(argv: string[]): Promise<number> {
  return withStoreErrors('import', async () => {
    const { values, positionals } = parseFlags(
      argv,
      { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError('give exactly one FILE to import');
    const source = positionals[0];
    let bundle: unknown;
    try {
      bundle = JSON.parse(fs.readFileSync(source === '-' ? 0 : source, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read ${source}: ${err instanceof Error ? err.message : String(err)}`);
    }
    // Checked whole before the store is even opened: a bad bundle creates and changes nothing.
    const checked = parseBundle(bundle, source === '-' ? 'stdin' : source);
    const file = values.db ?? defaultStorePath();
    const created = createdPaths(file);
    let store: RunStore | undefined;
    try {
      store = openStore(file);
      const oldIds = checked.runs.map((r) => r.id);
      const newIds = store.importBundle(checked);
      const pairs = newIds.map((to, i) => ({ from: oldIds[i], to }));
      if (values.json) process.stdout.write(`${JSON.stringify({ imported: pairs })}\n`);
      else {
        process.stdout.write(
          `imported ${newIds.length} run${newIds.length === 1 ? '' : 's'} into ${file}: ${pairs.map((p) => `${p.from} -> ${p.to}`).join(', ')}\n`,
        );
      }
      return 0;
    } catch (err) {
      // A failed import into a store it had to create leaves no store (nor folders) behind.
      store?.close();
      store = undefined;
      removeCreated(created);
      throw err;
    } finally {
      store?.close();
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
