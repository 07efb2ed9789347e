// A task's own run store: the run the task trained, and for a branch the copy of its parent
// (tagged COPIED_PARENT_TAG) that its RL phase starts from.
import fs from 'node:fs';
import { openStore, type RunDetail, type RunStore } from '../db';

export const COPIED_PARENT_TAG = 'slurm:copied-parent';

/** The run the task trained (the one run that is not a copied parent), if it has started. */
export function ownRun(store: RunStore): RunDetail | undefined {
  const own = store.listRuns({ order: 'id-asc', summaryKeys: [] }).filter((r) => !r.tags.includes(COPIED_PARENT_TAG));
  if (own.length > 1) throw new Error(`task store ${store.path} holds ${own.length} runs of its own; a task trains one`);
  return own[0] && store.getRun(own[0].id);
}

/** Reads a task store read-only (it may belong to a task still running); undefined if it has none yet. */
export function withTaskStore<T>(file: string, read: (store: RunStore) => T): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  const store = openStore(file, { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}
