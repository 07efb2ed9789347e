import { describe, expect, it } from 'vitest';
import { etaSeconds, formatDuration, formatEta, formatRate, formatValue } from './format';

describe('format', () => {
  it('formats durations at each scale', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe('3h 07m');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });

  it('computes ETA from remaining work and rate', () => {
    expect(etaSeconds(100, 400, 10)).toBe(30);
    expect(etaSeconds(400, 400, 10)).toBe(0);
    expect(etaSeconds(1, 10, 0)).toBeNull();
    expect(formatEta(etaSeconds(100, 400, 10))).toBe('ETA 30s');
    expect(formatEta(null)).toBe('ETA —');
  });

  it('shows accuracies as percentages and other values compactly', () => {
    expect(formatValue(0.953, 'eval/greedy_accuracy')).toBe('95.3%');
    expect(formatValue(20, 'eval/greedy_length_median')).toBe('20');
    expect(formatValue(0.12345, 'loss')).toBe('0.123');
    expect(formatValue(1e-5, 'lr')).toBe('1.00e-5');
    expect(formatValue(undefined)).toBe('—');
  });

  it('shows slow rates as seconds per step', () => {
    expect(formatRate(0.5)).toBe('2.0 s/step');
    expect(formatRate(12.3)).toBe('12 steps/s');
  });
});
