import { ApiError } from '../../api/contract';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../context';
import { buildComparisonReport } from '../report';
import { formatIdList } from '../../vocabulary/id-list';

type ExportHandlers = Pick<Handlers, 'export/runs' | 'export/pdf' | 'export/report'>;

function stamp(): string {
  return new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
}

export function exportHandlers(ctx: ServiceContext): ExportHandlers {
  const { store } = ctx;
  const requireIds = (ids: number[]) => {
    if (ids.length === 0) throw new ApiError('bad-request', 'select at least one run to export');
    const known = new Set(store.allRunIds());
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length > 0) throw new ApiError('not-found', `no run with id ${formatIdList(missing)}`);
    return ids;
  };
  return {
    'export/runs': ({ ids, format, checkpoints }) =>
      format === 'json'
        ? { filename: `runs-${stamp()}.json`, mimeType: 'application/json', content: JSON.stringify(store.exportRuns(requireIds(ids), { checkpoints: checkpoints ?? false })) }
        : format === 'runs-csv'
          ? { filename: `runs-${stamp()}.runs.csv`, mimeType: 'text/csv', content: store.exportRunsCsv(requireIds(ids)) }
          : { filename: `runs-${stamp()}.csv`, mimeType: 'text/csv', content: store.exportCsv(requireIds(ids)) },
    // Printing needs the window; the Electron transport answers this one itself (electron/ipc.ts).
    'export/pdf': () => {
      throw new ApiError('unavailable', "PDF export here goes through the browser: use its Print dialog and 'Save as PDF'");
    },
    'export/report': async ({ ids, keys, title, groupSeeds, band, hyperparam }) => ({
      filename: `report-${stamp()}.html`,
      mimeType: 'text/html',
      content: await buildComparisonReport(store, requireIds(ids), { keys, title, groupSeeds, band, hyperparam: hyperparam ? [hyperparam] : [], appVersion: ctx.options.appVersion ?? '0.0.0' }),
    }),
  } satisfies ExportHandlers;
}
