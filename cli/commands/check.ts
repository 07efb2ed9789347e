// `workbench check`: is the store sound? Reads only; exits 0 only when nothing is wrong.
import { defaultStorePath, withStoreSession } from '../service-session';
import { parseFlags } from '../args';
import { withStoreErrors } from '../store-args';

export const summary = 'check a run store: integrity, orphaned rows, stale runs, unfinished imports';

const HELP = `usage: workbench check [--db FILE] [--json]

Runs SQLite's full integrity_check on the store and looks for rows whose run is gone, runs
marked running whose process has died, and runs left staged by an import that crashed.
Changes nothing. Exit 0: healthy; 1: problems found (listed), or the file cannot be read.

  --db FILE   run store (default ${defaultStorePath()})
  --json      print the report as JSON
`;

export async function run(argv: string[]): Promise<number> {
  return withStoreErrors('check', async () => {
    const { values } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    // A session that opens no store: the file may be too damaged to open, and reporting that is the point.
    const report = await withStoreSession(values.db ?? defaultStorePath(), 'none', 'workbench check', (api) => api.store.check({}));
    if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const lines = [`${report.file}: ${report.healthy ? 'healthy' : 'PROBLEMS FOUND'} (${report.runs} runs)`];
      for (const f of report.findings) lines.push(`  ${f.severity === 'problem' ? 'problem' : 'note   '}  ${f.what}`);
      if (!report.healthy) {
        lines.push(report.backups.length > 0 ? `  copies taken before schema upgrades: ${report.backups.join(', ')}` : '  no copies taken before schema upgrades exist beside it');
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return report.healthy ? 0 : 1;
  });
}
