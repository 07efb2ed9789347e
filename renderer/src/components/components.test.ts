// Components rendered on the server (svelte/server): their markup is checked without a browser.
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import RunsTable from './RunsTable.svelte';
import ConfigForm from './ConfigForm.svelte';
import ProgressBar from './ProgressBar.svelte';
import SummaryTable from './SummaryTable.svelte';
import ConfigDiffTable from './ConfigDiffTable.svelte';
import { makeRun } from '../../../vocabulary/testing/run-fixtures';
import { lineUnits, unitColors } from '../../../vocabulary/charts/compare-lines';
import { LIGHT_THEME } from '../../../vocabulary/charts/chart-options';
import CompareLegendHost from './testing/CompareLegendHost.svelte';
import type { MetricSeries } from '../../../api/types';

describe('components', () => {
  it('RunsTable renders only a window of rows out of 10k', () => {
    const runs = Array.from({ length: 10_000 }, (_, i) => makeRun(i + 1));
    const { body } = render(RunsTable, {
      props: { runs, sort: { key: 'id', dir: 'desc' }, selected: new Set([2]), live: {}, onSort: () => {}, onToggle: () => {}, onOpen: () => {} },
    });
    const rows = body.match(/data-testid="run-row"/g) ?? [];
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    expect(body).toContain('aria-rowcount="10000"');
    expect(body).toContain('run 1');
  });

  it('ConfigForm shows a field error beside its field', () => {
    const config = { task: { kind: 'parity' as const, d: 20, p_cot: 1.5 }, rl: null };
    const { body } = render(ConfigForm, { props: { config, errors: { 'task.p_cot': 'task.p_cot must be in [0,1], got 1.5' }, onChange: () => {} } });
    expect(body).toMatch(/data-testid="error-task.p_cot"[^>]*>task.p_cot must be in \[0,1\], got 1.5</);
    expect(body).toMatch(/data-testid="field-task.p_cot"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*data-testid="field-task.p_cot"/);
    // RL is off: no RL fields, but the switch to add them.
    expect(body).not.toContain('field-rl.temperature');
    expect(body).toContain('data-testid="rl-toggle"');
  });

  it('ProgressBar places RL after NTP on one bar', () => {
    const config = { ntp: { steps: 300 }, rl: { steps: 100 } };
    const { body } = render(ProgressBar, { props: { phase: 'rl' as const, step: 50, totalSteps: 100, config, stepsPerSecond: 2, etaSeconds: 25 } });
    expect(body).toContain('aria-valuenow="88"');
    expect(body).toContain('50 / 100');
    expect(body).toContain('RL ETA 25s');
  });

  it('SummaryTable and ConfigDiffTable show last, best and only differing keys', () => {
    const runs = [makeRun(1, { name: 'a', pCot: 0.25 }), makeRun(2, { name: 'b', pCot: 0.5 })];
    const units = lineUnits(runs, '', null);
    const s: MetricSeries = { runId: 1, key: 'eval/greedy_accuracy', x: [0, 10, 20], y: [0.5, 0.9, 0.8] };
    const summary = render(SummaryTable, {
      props: { units, colors: ['#000', '#111'], keys: ['eval/greedy_accuracy'], seriesOf: (u: (typeof units)[number]) => (u.runs[0].id === 1 ? s : undefined), atStep: 10, xLabel: 'step' },
    }).body;
    expect(summary).toContain('80.0%');
    expect(summary).toMatch(/90\.0%.*@10/);
    expect(summary).toContain('@step 10');
    const diff = render(ConfigDiffTable, { props: { units, colors: ['#000', '#111'] } }).body;
    expect(diff).toContain('task.p_cot');
    expect(diff).not.toContain('model.width');
  });

  it('CompareLegend turns searchable past 20 lines: the filter keeps matching names, counts them, keeps show/hide', () => {
    const legend = (n: number, filter: string, hidden: string[] = []) => {
      const runs = Array.from({ length: n }, (_, i) => makeRun(i + 1, { name: `lr-${i + 1}`, pCot: i / 100 }));
      const units = lineUnits(runs, '', null);
      return render(CompareLegendHost, { props: { units, colors: unitColors(units, LIGHT_THEME), filter, hidden } }).body;
    };
    const items = (body: string) => body.match(/data-testid="legend-item"/g)?.length ?? 0;
    // 20 lines: the plain legend, every line, no filter.
    const few = legend(20, '');
    expect(items(few)).toBe(20);
    expect(few).not.toContain('data-testid="legend-filter"');
    // 30 lines, no filter text: all of them and the filter box.
    const all = legend(30, '');
    expect(items(all)).toBe(30);
    expect(all).toContain('data-testid="legend-filter"');
    expect(all).toMatch(/data-testid="legend-count"[^>]*>30 of 30 lines/);
    // "lr-2" matches lr-2 and lr-20..lr-29; a hidden match still offers "Show".
    const some = legend(30, 'LR-2', ['22']);
    expect(items(some)).toBe(11);
    expect(some).toMatch(/data-testid="legend-count"[^>]*>11 of 30 lines/);
    expect(some).toContain('aria-label="Show lr-22 (#22)"');
    expect(some).toContain('aria-label="Hide lr-21 (#21)"');
    expect(some).not.toContain('lr-3 (#3)');
  });
});
