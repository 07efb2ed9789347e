// Public API of the run store.
export { openStore, RunStore } from './store';
export { defaultStorePath, userDataDir } from './paths';
export { nativeBindingPath } from './native';
export { StoreError } from './errors';
export { HEADLINE_KEYS, metricGoal, bestOf } from './summary';
export { exportBundleSchema, parseBundle } from './bundle';
export { checkStore } from './check';
export { csvToBundle, parseCsv } from './csv-import';
export { LATEST_VERSION } from './schema';
export type { ExportBundle, ExportedRun } from './bundle';
export type { OpenOptions } from './open';
export type * from './records';
export type * from './types';
export { claimQueuedRun, runClaim, thisProcess, createBranchRun, pendingBranches, branchStep, startBranch } from './claims';
export type { Claimant, RunClaim, PendingBranch } from './claims';
