// A one-line progress bar on stderr (redrawn in place on a terminal, every few seconds otherwise).
import type { WorkbenchEvent } from '../api/events';

type Progress = Extract<WorkbenchEvent, { type: 'run/progress' }>;

const SHOWN_METRICS: [key: string, label: string][] = [
  ['loss', 'loss'],
  ['reward', 'reward'],
  ['eval/greedy_accuracy', 'greedy acc'],
  ['eval/greedy_length_median', 'len'],
  ['eval/sampled_long_share', 'long'],
];

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function progressLine(p: Progress, latest: Record<string, number>, width = 24): string {
  const fraction = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0;
  const filled = Math.round(fraction * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const metrics = SHOWN_METRICS.filter(([key]) => latest[key] !== undefined)
    .map(([key, label]) => `${label} ${Number(latest[key]!.toPrecision(3))}`)
    .join('  ');
  const eta = p.etaSeconds === null ? '' : ` ETA ${formatDuration(p.etaSeconds)}`;
  return `[${p.phase.toUpperCase()}] ${bar} ${p.step}/${p.totalSteps}  ${p.stepsPerSecond.toFixed(1)} it/s${eta}  ${metrics}`;
}

export class ProgressBar {
  private readonly latest: Record<string, number> = {};
  private lastPrinted = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(p: Progress): void {
    Object.assign(this.latest, p.metrics);
    const line = progressLine(p, this.latest);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 120) - 1)}\x1b[K`);
    } else if (Date.now() - this.lastPrinted > 5000 || p.step === p.totalSteps) {
      this.lastPrinted = Date.now();
      this.stream.write(`${line}\n`);
    }
  }

  done(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
