// The store as a whole: its run ids and raw records, imports, and `workbench check`'s inspection.
import { ApiError } from '../../api/contract';
import { checkStore, csvToBundle, parseBundle, StoreError, type RunStore } from '../../db';
import type { ParsedInput } from '../../api/contract';
import type { ServiceOptions } from '../context';
import type { Handlers } from '../dispatch';

type StoreHandlers = Pick<Handlers, 'runs/ids' | 'runs/records' | 'runs/import' | 'store/check'>;
/** What works on the file alone, with no store opened: checking the file and an import. */
export type FileHandlers = Pick<Handlers, 'runs/import' | 'store/check'>;

/** The bundle an import stands for: a JSON bundle as it is, a CSV converted (both checked by the store). */
function importBundle(input: ParsedInput<'runs/import'>): unknown {
  if (!input.csv) return input.bundle;
  return csvToBundle(input.csv.text, input.source, input.csv.runsText, input.csv.runsFile);
}

/** An import's StoreError (not an export, a bad field) is the request's fault. */
function asRequestError<T>(body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (err instanceof StoreError && err.code === 'invalid') throw new ApiError('bad-request', err.message);
    throw err;
  }
}

export function fileHandlers(options: ServiceOptions): FileHandlers {
  return {
    'store/check': () => checkStore(options.storePath),
    'runs/import': (input) => {
      if (!input.checkOnly) throw new ApiError('unavailable', 'runs/import: this session opened no store; only checkOnly works here');
      asRequestError(() => parseBundle(importBundle(input), input.source === '-' ? 'stdin' : input.source));
      return { imported: [] };
    },
  } satisfies FileHandlers;
}

export function storeHandlers(options: ServiceOptions, store: RunStore): StoreHandlers {
  const files = fileHandlers(options);
  return {
    ...files,
    'runs/ids': () => store.allRunIds(),
    'runs/records': (filter) => store.listRuns({ ...filter }),
    'runs/import': (input) => {
      if (input.checkOnly) return files['runs/import'](input);
      return asRequestError(() => {
        const checked = parseBundle(importBundle(input), input.source === '-' ? 'stdin' : input.source);
        const newIds = store.importBundle(checked);
        return { imported: newIds.map((to, i) => ({ from: checked.runs[i]!.id, to })) };
      });
    },
  } satisfies StoreHandlers;
}
