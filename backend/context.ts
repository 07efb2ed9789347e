// What every handler group may use. One store connection per backend process; trainer
// processes write their own runs through their own connections.
import type { RunStore } from '../db';
import type { SpawnTrainer } from '../trainer/process/supervisor';
import type { EventHub } from './event-hub';
import type { RunQueue } from './run-queue';
import type { TrainerPool } from './trainer-pool';
import type { GraphRunner } from './graph-runner';

export interface ServiceOptions {
  storePath: string;
  mode: 'electron' | 'browser' | 'cli';
  /** How trainer processes are started (Electron passes its utilityProcess spawner). */
  spawnTrainer?: SpawnTrainer;
  /** Runs trained at once; 1 by default, since one run already uses both cores. */
  concurrency?: number;
  /** Cores all trainers together may use (default os.availableParallelism(), WORKBENCH_CORES overrides). */
  cores?: number;
  /**
   * Whether the queued runs already in the store start here (the app: yes). A CLI command trains
   * only what it submitted itself, so it passes false.
   */
  adoptQueued?: boolean;
  /** Recorded with every run this service claims, e.g. `workbench sweep` (default `workbench <mode>`). */
  claimant?: string;
  appVersion?: string;
  /**
   * How the service holds the store: 'write' (default) opens it for writing (creating and
   * migrating it, marking dead runs interrupted); 'read' opens it read-only and refuses every
   * method that would write; 'none' opens no store at all, for what works on files alone
   * (checking a store that may be too damaged to open, checking an import, a Slurm folder's state).
   */
  access?: StoreAccess;
  /**
   * How often the app reads its Slurm jobs (the folders beside the store) and collects finished
   * tasks, in ms; 0: never (the CLI). Default 10 s in the app's modes, 0 for 'cli'.
   */
  slurmWatchMs?: number;
}

export type StoreAccess = 'write' | 'read' | 'none';

export interface ServiceContext {
  options: ServiceOptions;
  store: RunStore;
  hub: EventHub;
  queue: RunQueue;
  trainers: TrainerPool;
  graphs: GraphRunner;
}
