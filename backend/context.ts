// What every handler group may use. One store connection per backend process; trainer
// processes write their own runs through their own connections.
import type { RunStore } from '../db';
import type { SpawnTrainer } from '../trainer/process/supervisor';
import type { EventHub } from './event-hub';
import type { RunQueue } from './run-queue';
import type { TrainerPool } from './trainer-pool';

export interface ServiceOptions {
  storePath: string;
  mode: 'electron' | 'browser';
  /** How trainer processes are started (Electron passes its utilityProcess spawner). */
  spawnTrainer?: SpawnTrainer;
  /** Runs trained at once; 1 by default, since one run already uses both cores. */
  concurrency?: number;
  appVersion?: string;
}

export interface ServiceContext {
  options: ServiceOptions;
  store: RunStore;
  hub: EventHub;
  queue: RunQueue;
  trainers: TrainerPool;
}
