// A comparison as one self-contained HTML file: charts as inline SVG rendered by ECharts on the
// server (no DOM, no scripts in the output), the config diff, a summary table, backends and
// versions. Opens offline and prints cleanly. Shares chart building with the app's compare view.
import * as echarts from 'echarts';
import type { GroupSeries, MetricSeries, RunDetail } from '../api/types';
import { buildChartOption, LIGHT_THEME } from '../vocabulary/charts/chart-options';
import { buildPanelSpec, lineUnits, unitColors } from '../vocabulary/charts/compare-lines';
import { diffConfigs, formatScalar } from '../vocabulary/config-paths';
import { formatDuration, formatValue } from '../vocabulary/format';
import { cspMetaTag, REPORT_CSP_META } from '../vocabulary/csp';
import { metricInfo } from '../vocabulary/charts/metric-catalog';
import { keyConfig, runLabel } from '../vocabulary/run-fields';
import { indexSeries, summarize, seriesId } from '../vocabulary/charts/series';
import { buildHyperparamOption, hyperparamData, hyperparamTitle, type HyperparamQuery, type RunMetricPoint } from '../vocabulary/charts/hyperparam';
import { hyperparamTableHtml } from './hyperparam-table';

export interface ComparisonReportInput {
  title: string;
  runs: RunDetail[];
  series: MetricSeries[];
  groups?: GroupSeries[];
  keys: string[];
  band?: 'minmax' | 'std';
  /** Metric-versus-hyperparameter figures: the query and each run's values. */
  hyperparam?: { query: HyperparamQuery; points: RunMetricPoint[] }[];
  generatedAt: Date;
  appVersion: string;
}

const CHART_WIDTH = 560;
/** An SVG legend cannot page: past this many lines the names go into one HTML table instead. */
const LEGEND_IN_CHART_MAX = 6;
const CHART_HEIGHT = 320;

export function renderComparisonReport(input: ComparisonReportInput): string {
  const { runs, keys } = input;
  const series = indexSeries(input.series);
  const grouped = (input.groups?.length ?? 0) > 0 ? input.groups! : null;
  const band = input.band ?? 'minmax';
  const lineCount = lineUnits(runs, keys[0] ?? '', grouped).length;
  const legendInChart = lineCount <= LEGEND_IN_CHART_MAX;

  const charts = keys.map((key) => {
    const spec = buildPanelSpec({
      key,
      runs,
      series,
      groups: grouped,
      band,
      x: 'step',
      smoothing: 0,
      theme: LIGHT_THEME,
      showThreshold: true,
      showStar: false,
      legend: legendInChart,
    });
    const svg = renderSvg(buildChartOption({ ...spec, animation: false, packed: true }));
    return `<figure class="chart" data-key="${esc(key)}">${svg}<figcaption>${esc(spec.title)}${
      spec.lines.length === 0 ? ' — no data logged for these runs' : ''
    }${grouped ? ` · seed groups: mean with ${band === 'std' ? '±1 std' : 'min–max'} band` : ''}</figcaption></figure>`;
  });

  const hyperparam = (input.hyperparam ?? []).map(({ query, points }) => {
    const data = hyperparamData(runs, new Map(points.map((p) => [p.runId, p])), query);
    const svg = renderSvg(buildHyperparamOption({ data, query, theme: LIGHT_THEME, legend: true }));
    const bars = query.bars === 'minmax' ? 'min–max over seeds' : '±1 std over seeds';
    return `<figure class="chart hyperparam" data-x="${esc(query.x)}" data-metric="${esc(query.metric)}">${svg}<figcaption>${esc(hyperparamTitle(query))} · mean with ${bars} error bars${
      data.skipped.length ? ` · ${data.skipped.length} run(s) without a value left out` : ''
    }</figcaption></figure>${hyperparamTableHtml(data, query)}`;
  });

  const diff = diffConfigs(runs.map((r) => r.config));
  const units = lineUnits(runs, keys[0] ?? '', null);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${cspMetaTag(REPORT_CSP_META)}
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="NTP+RL Workbench ${esc(input.appVersion)}">
<title>${esc(input.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>${esc(input.title)}</h1>
  <p class="meta">${runs.length} run${runs.length === 1 ? '' : 's'} · generated ${esc(input.generatedAt.toISOString().replace('T', ' ').slice(0, 19))} UTC · NTP+RL Workbench v${esc(input.appVersion)}</p>
</header>

<section>
  <h2>Runs</h2>
  ${runsTable(runs)}
</section>

<section>
  <h2>Curves</h2>
  <p class="note">x axis: optimizer step (RL steps continue after NTP's; the dashed vertical line marks the switch). Long-share charts carry the 1/3 threshold below which greedy decoding stops short.</p>
  ${legendInChart ? '' : legendTable(runs, keys[0] ?? '', grouped)}
  <div class="charts">${charts.join('\n')}</div>
</section>

${
  hyperparam.length
    ? `<section>
  <h2>Metric versus hyperparameter</h2>
  <p class="note">Each point aggregates the runs that share its x value and line (their seeds). The dotted vertical line marks p_cot = 1/3, below which NTP alone stays at chance.</p>
  ${hyperparam.join('\n')}
</section>
`
    : ''
}
<section>
  <h2>Summary</h2>
  ${summaryTable(runs, keys, series)}
</section>

<section>
  <h2>Config differences</h2>
  ${
    diff.length === 0
      ? '<p class="note">All runs share one config.</p>'
      : `<table><thead><tr><th>key</th>${units.map((u) => `<th>${esc(u.label)}</th>`).join('')}</tr></thead><tbody>${diff
          .map((row) => `<tr><td class="mono">${esc(row.path)}</td>${row.values.map((v) => `<td class="mono">${esc(formatScalar(v))}</td>`).join('')}</tr>`)
          .join('')}</tbody></table>`
  }
  ${runs[0] ? `<details><summary>Full config of ${esc(runLabel(runs[0]))}</summary><pre>${esc(JSON.stringify(runs[0].config, null, 2))}</pre></details>` : ''}
</section>

<footer>Self-contained report: charts are inline SVG; nothing is loaded from the network.</footer>
</body>
</html>
`;
}

function renderSvg(option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** One legend for every chart (colours follow the line's position in each). */
function legendTable(runs: RunDetail[], key: string, groups: GroupSeries[] | null): string {
  const units = lineUnits(runs, key, groups);
  const colors = unitColors(units, LIGHT_THEME);
  const rows = units.map((u, i) => {
    const swatch = `<svg width="22" height="8" aria-hidden="true"><line x1="1" y1="4" x2="21" y2="4" stroke="${esc(colors[i])}" stroke-width="3"/></svg>`;
    return `<tr><td>${swatch}</td><td>${esc(u.label)}</td></tr>`;
  });
  return `<table class="legend" data-testid="report-legend"><thead><tr><th></th><th>line (${rows.length})</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function runsTable(runs: RunDetail[]): string {
  const rows = runs.map((r) => {
    const k = keyConfig(r.config);
    const wall = r.startedAt && r.finishedAt ? formatDuration((r.finishedAt - r.startedAt) / 1000) : '—';
    const backend = r.backend ? `${r.backend} ${r.backendVersion ?? ''}${r.threads ? ` · ${r.threads} thread${r.threads === 1 ? '' : 's'}` : ''}` : '—';
    return `<tr><td class="num">${r.id}</td><td>${esc(r.name)}</td><td>${esc(r.status)}${r.error ? `<div class="err">${esc(r.error)}</div>` : ''}</td><td>${esc(k.task)}</td><td class="num">${k.d ?? '—'}</td><td class="num">${k.pCot ?? '—'}</td><td>${esc(k.algorithm ?? '—')}</td><td class="num">${k.temperature ?? '—'}</td><td class="num">${r.seed}</td><td>${esc(backend)}</td><td class="num">${wall}</td><td>${r.parentRunId ? `#${r.parentRunId}` : ''}</td></tr>`;
  });
  return `<table><thead><tr><th>#</th><th>name</th><th>status</th><th>task</th><th>d</th><th>p_cot</th><th>RL</th><th>τ</th><th>seed</th><th>backend</th><th>wall</th><th>from</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function summaryTable(runs: RunDetail[], keys: string[], series: Map<string, MetricSeries>): string {
  const head = keys.map((k) => `<th colspan="2">${esc(metricInfo(k).label)}</th>`).join('');
  const sub = keys.map(() => '<th>last</th><th>best (step)</th>').join('');
  const rows = runs.map((r) => {
    const cells = keys.map((key) => {
      const info = metricInfo(key);
      const s = series.get(seriesId(r.id, key));
      const stored = r.metrics[key];
      const cell = summarize(s, info.direction, null);
      const last = stored?.last ?? cell.last?.y;
      // The step of the extreme this report calls best (the store's bestStep follows its own rule).
      const best =
        info.direction === 'none'
          ? null
          : stored
            ? info.direction === 'max' ? { y: stored.max, x: stored.maxStep } : { y: stored.min, x: stored.minStep }
            : cell.best;
      return `<td class="num">${formatValue(last, key)}</td><td class="num">${best ? `${formatValue(best.y, key)} <span class="muted">(${best.x})</span>` : '—'}</td>`;
    });
    return `<tr><td>${esc(runLabel(r))}</td>${cells.join('')}</tr>`;
  });
  return `<table><thead><tr><th rowspan="2">run</th>${head}</tr><tr>${sub}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
:root { color-scheme: light; }
body { margin: 32px auto; max-width: 1200px; padding: 0 24px; font: 13px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
.meta, .note, .muted { color: #656d76; }
.note { margin: 0 0 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(${CHART_WIDTH}px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid #e4e8ec; border-radius: 6px; padding: 6px; break-inside: avoid; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 11px; color: #656d76; padding: 2px 6px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { padding: 4px 8px; border-bottom: 1px solid #e4e8ec; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; font-size: 12px; color: #424a53; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.mono, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12px; }
pre { background: #f6f8fa; padding: 12px; border-radius: 6px; overflow: auto; }
.err { color: #cf222e; font-size: 12px; }
table.legend { width: auto; margin-bottom: 12px; }
table.legend td { padding: 1px 8px; border: none; }
details { margin-top: 12px; }
footer { margin: 32px 0 8px; color: #8c959f; font-size: 11px; }
@media print { body { margin: 0; max-width: none; } .charts { grid-template-columns: 1fr 1fr; } figure.chart { padding: 0; } }
`;
