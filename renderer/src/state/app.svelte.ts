// App-wide state: what the backend told us (runs, queue, presets, system) kept current by its
// pushed events, plus the route and the run selection. Provided to components by typed context.
import { createContext } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import type { WorkbenchApi } from '../../../api/client';
import type { WorkbenchEvent } from '../../../api/events';
import type { BackendAvailability, GraphProgress, Phase, Preset, QueueState, RunSummary, SampleView, SlurmJobView, SystemInfo } from '../../../api/types';
import type { ProgressReport } from '../../../vocabulary/progress';
import { formatRoute, parseRoute, type Route } from '../lib/route';
import { throttle, type Throttled } from '../lib/throttle';
import { CompareState } from './compare.svelte';

/** The latest progress report of a running run, with every metric seen so far and when it came. */
export type LiveProgress = ProgressReport & { at: number };

export interface Toast {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export class AppState {
  route = $state<Route>({ view: 'runs' });
  system = $state<SystemInfo | null>(null);
  backends = $state<BackendAvailability[]>([]);
  presets = $state<Preset[]>([]);
  /** Raw: 10k summaries are replaced wholesale, never mutated in place. */
  runs = $state.raw<RunSummary[]>([]);
  runsLoaded = $state(false);
  queue = $state<QueueState>({ concurrency: 1, running: [], queued: [] });
  live = $state<Record<number, LiveProgress>>({});
  /** Run graphs submitted to this backend, by id: their latest graph/progress (settled ones until dismissed). */
  graphs = $state<Record<number, GraphProgress>>({});
  samples = $state<Record<number, SampleView[]>>({});
  /** Slurm jobs in the jobs folder beside the store, by folder name: loaded once, then pushed (slurm/job). */
  slurmJobs = $state<Record<string, SlurmJobView>>({});
  /** Why a job's state could not be read (no Slurm commands here, an unreadable folder). */
  slurmErrors = $state<Record<string, string>>({});
  selected = new SvelteSet<number>();
  toasts = $state<Toast[]>([]);
  connectionError = $state<string | null>(null);
  readonly compare = new CompareState();

  runsById = $derived(new Map(this.runs.map((r) => [r.id, r])));

  private refreshRunsSoon: Throttled;
  private toastId = 0;

  constructor(readonly api: WorkbenchApi) {
    this.refreshRunsSoon = throttle(() => void this.loadRuns(), 700);
  }

  /** Initial loads and the event subscription; returns the cleanup. */
  start(): () => void {
    const unsubscribe = this.api.subscribe((event) => this.onEvent(event));
    void this.loadAll();
    return () => {
      unsubscribe();
      this.refreshRunsSoon.cancel();
    };
  }

  async loadAll(): Promise<void> {
    try {
      const [system, backends, presets, queue] = await Promise.all([
        this.api.system.info({}),
        this.api.system.backends({}),
        this.api.presets.list({}),
        this.api.queue.get({}),
      ]);
      this.system = system;
      this.backends = backends;
      this.presets = presets;
      this.queue = queue;
      this.connectionError = null;
    } catch (err) {
      this.connectionError = message(err);
    }
    await this.loadRuns();
    await this.loadSlurmJobs();
  }

  /** Every job folder's state; collecting what finished is the backend's (its watcher, or Collect). */
  async loadSlurmJobs(): Promise<void> {
    let names: string[];
    try {
      names = await this.api.slurm.jobs({});
    } catch {
      return; // a transport without Slurm methods: no panel
    }
    await Promise.all(names.map((job) => this.readSlurmJob(job, false)));
  }

  /** One job's state; with `collect`, its finished tasks come home first. */
  async readSlurmJob(job: string, collect: boolean): Promise<void> {
    try {
      this.setSlurmJob(await this.api.slurm.status({ job, collect }));
      delete this.slurmErrors[job];
    } catch (err) {
      this.slurmErrors[job] = message(err);
    }
  }

  private setSlurmJob(view: SlurmJobView): void {
    const before = this.slurmJobs[view.job];
    this.slurmJobs[view.job] = view;
    // A task came home as a run of this store: the runs list has a new row.
    if (view.tasks.some((t, i) => t.localRunId !== null && before?.tasks[i]?.localRunId == null)) this.refreshRunsSoon();
  }

  async loadRuns(): Promise<void> {
    try {
      this.runs = await this.api.runs.list({ limit: 100_000 });
      this.runsLoaded = true;
    } catch (err) {
      this.connectionError = message(err);
    }
  }

  private onEvent(event: WorkbenchEvent): void {
    switch (event.type) {
      case 'run/progress': {
        const { type: _type, runId, ...rest } = event;
        const previous = this.live[runId]?.metrics ?? {};
        this.live[runId] = { ...rest, metrics: { ...previous, ...rest.metrics }, at: Date.now() };
        if (!this.runsById.has(runId)) this.refreshRunsSoon();
        break;
      }
      case 'run/status':
        if (event.status !== 'running') delete this.live[event.runId];
        if (event.status === 'failed') this.notify('error', `Run #${event.runId} failed${event.error ? `: ${event.error}` : ''}`);
        this.refreshRunsSoon();
        break;
      case 'run/samples':
        this.samples[event.runId] = event.samples;
        break;
      case 'queue/changed':
        this.queue = event.queue;
        this.refreshRunsSoon();
        break;
      case 'graph/progress':
        this.graphs[event.progress.graphId] = event.progress;
        break;
      case 'slurm/job':
        this.setSlurmJob(event.job);
        delete this.slurmErrors[event.job.job];
        break;
    }
  }

  navigate(route: Route): void {
    const hash = formatRoute(route);
    if (window.location.hash !== hash) window.location.hash = hash;
    this.setRoute(route);
  }

  syncRoute(): void {
    this.setRoute(parseRoute(window.location.hash));
  }

  private setRoute(route: Route): void {
    // navigate() sets the hash, whose hashchange comes back here with an equal route: keeping the
    // same object spares every view keyed on it a second load.
    if (formatRoute(route) === formatRoute(this.route)) return;
    this.route = route;
    // Remember the last comparison, so the Compare tab returns to it.
    if (route.view === 'compare' && route.ids.length) this.compare.ids = route.ids;
    if (route.view === 'compare' && route.state) this.compare.apply(route.state);
  }

  notify(kind: Toast['kind'], text: string): void {
    const toast = { id: ++this.toastId, kind, text };
    this.toasts = [...this.toasts.slice(-3), toast];
    setTimeout(() => this.dismiss(toast.id), kind === 'error' ? 9000 : 4000);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  toggleSelected(id: number, on?: boolean): void {
    const want = on ?? !this.selected.has(id);
    if (want) this.selected.add(id);
    else this.selected.delete(id);
  }

  clearSelection(): void {
    this.selected.clear();
  }
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const [getApp, setApp] = createContext<AppState>();
