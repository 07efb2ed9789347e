// Human-readable numbers, durations and rates for tables and the live view.

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** ETA from what is left and the current rate; null when the rate is unknown or zero. */
export function etaSeconds(done: number, total: number, perSecond: number): number | null {
  if (!(perSecond > 0) || total <= 0) return null;
  return Math.max(0, total - done) / perSecond;
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds == null) return 'ETA —';
  if (seconds < 1) return 'ETA <1s';
  return `ETA ${formatDuration(seconds)}`;
}

/** Compact value for tables: accuracies as %, small numbers with 3 significant digits. */
export function formatValue(value: number | null | undefined, key = ''): string {
  if (value == null || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (/accuracy|share|ratio|frac/.test(key) && value >= 0 && value <= 1) return `${(value * 100).toFixed(1)}%`;
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return value.toExponential(2);
  if (Number.isInteger(value)) return String(value);
  return value.toPrecision(3);
}

export function formatRate(stepsPerSecond: number): string {
  if (!(stepsPerSecond > 0)) return '—';
  if (stepsPerSecond >= 1) return `${stepsPerSecond.toFixed(stepsPerSecond >= 10 ? 0 : 1)} steps/s`;
  return `${(1 / stepsPerSecond).toFixed(1)} s/step`;
}

export function formatTime(ms: number | null): string {
  if (ms == null) return '—';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
