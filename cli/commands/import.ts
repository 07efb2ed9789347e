// `workbench import`: runs exported elsewhere (`workbench export --format json`) join this store
// under new ids; nothing already here is overwritten.
import fs from 'node:fs';
import { defaultStorePath, openStore } from '../../db';
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
    const file = values.db ?? defaultStorePath();
    const store = openStore(file);
    try {
      const oldIds = Array.isArray((bundle as { runs?: unknown }).runs)
        ? ((bundle as { runs: { id?: unknown }[] }).runs.map((r) => r.id) as number[])
        : [];
      const newIds = store.importBundle(bundle);
      const pairs = newIds.map((to, i) => ({ from: oldIds[i], to }));
      if (values.json) process.stdout.write(`${JSON.stringify({ imported: pairs })}\n`);
      else {
        process.stdout.write(
          `imported ${newIds.length} run${newIds.length === 1 ? '' : 's'} into ${file}: ${pairs.map((p) => `${p.from} -> ${p.to}`).join(', ')}\n`,
        );
      }
      return 0;
    } finally {
      store.close();
    }
  });
}
