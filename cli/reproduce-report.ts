// The `reproduce` report: one self-contained HTML file with the claim table first, then each
// study's figures and tables (the comparison report of its runs, as the app exports it), and the
// claim table as Markdown for the terminal and the README.
import type { WorkbenchApi } from '../api/client';
import { lengthGrowth, type ClaimResult, type RunMeasurement } from '../paper/claims';
import type { Study } from '../paper/studies';
import { getPath } from '../vocabulary/config-paths';
import { DEFAULT_HYPERPARAM_QUERY, type HyperparamQuery } from '../vocabulary/charts/hyperparam';

export interface StudyOutcome {
  study: Study;
  runIds: number[];
  measurements: RunMeasurement[];
  claims: ClaimResult[];
  wallSeconds: number;
}

/** What a reproduction ran on, so that a claim table can be traced and rerun. */
export interface ReproduceStamps {
  /** `git rev-parse HEAD` of the checkout, or "unknown". */
  commit: string;
  /** Uncommitted changes to tracked files; null when git could not tell. */
  dirty: boolean | null;
  /** The backends the runs recorded (with their versions), each once. */
  backends: string[];
  /** The worker counts the runs recorded. */
  threads: number[];
  /** CPU cores of the machine, and the core budget the runs shared (WORKBENCH_CORES). */
  cpus: number;
  coreBudget: number;
  /** This command's wall time; the runs' own training time summed (earlier commands' runs too, when reused). */
  wallSeconds: number;
  trainingSeconds: number;
  seeds: number[];
  appVersion: string;
  generatedAt: string;
}

export interface ReproduceSummary {
  /** The scale, possibly with a note (a report written while the reproduction runs). */
  scale: string;
  seeds: number;
  command: string;
  wallSeconds: number;
  storePath: string;
  failedRuns: string[];
  stamps?: ReproduceStamps;
}

/** `reproduce --json`: one document with the studies, every claim per seed and aggregated, and the stamps. */
export interface ReproduceJson {
  command: string;
  scale: string;
  /** Stopped with Ctrl-C before every run ended. */
  stopped: boolean;
  storePath: string;
  reportPath: string;
  stamps: ReproduceStamps | null;
  /** Claim verdicts counted: PASS, FAIL, no data. */
  verdicts: Record<string, number>;
  studies: {
    name: string;
    title: string;
    description: string;
    runIds: number[];
    wallSeconds: number;
    runs: RunMeasurement[];
  }[];
  claims: (ClaimResult & { study: string; verdict: string; rule: string })[];
  failedRuns: string[];
}

/** How a claim's seeds make its verdict (the same words in the table, the report and --json). */
export const SEED_RULE = 'passes only when its rule holds for every seed';

function verdictCounts(outcomes: readonly StudyOutcome[]): Record<string, number> {
  return outcomes.flatMap((o) => o.claims).reduce((acc, c) => ((acc[verdict(c.pass)] = (acc[verdict(c.pass)] ?? 0) + 1), acc), {} as Record<string, number>);
}

export function reproduceJson(outcomes: readonly StudyOutcome[], summary: ReproduceSummary & { stopped: boolean; reportPath: string }): ReproduceJson {
  return {
    command: summary.command,
    scale: summary.scale,
    stopped: summary.stopped,
    storePath: summary.storePath,
    reportPath: summary.reportPath,
    stamps: summary.stamps ?? null,
    verdicts: verdictCounts(outcomes),
    studies: outcomes.map((o) => ({ name: o.study.name, title: o.study.title, description: o.study.description, runIds: o.runIds, wallSeconds: o.wallSeconds, runs: o.measurements })),
    claims: outcomes.flatMap((o) => o.claims.map((c) => ({ study: o.study.name, ...c, verdict: verdict(c.pass), rule: SEED_RULE }))),
    failedRuns: [...new Set(summary.failedRuns)],
  };
}

/** Each seed's verdict in a few characters: "0 PASS · 1 FAIL". */
export function seedVerdicts(c: ClaimResult): string {
  return (c.seeds ?? []).map((s) => `${s.seed} ${verdict(s.pass)}`).join(' · ');
}

function stampsHtml(st: ReproduceStamps): string {
  const commit = st.commit === 'unknown' ? 'unknown' : `${st.commit.slice(0, 12)}${st.dirty ? ' (with uncommitted changes)' : ''}`;
  return `<p class="meta">Commit <code>${esc(commit)}</code> · backend${st.backends.length === 1 ? '' : 's'} ${esc(st.backends.join(', ') || 'none recorded')} · workers per run ${esc(st.threads.join(', ') || '?')} · ${st.cpus} CPU cores (core budget ${st.coreBudget}) · seeds ${esc(st.seeds.join(', '))} · training time of the runs ${duration(st.trainingSeconds)}</p>`;
}

export function verdict(pass: boolean | null): string {
  return pass === null ? 'no data' : pass ? 'PASS' : 'FAIL';
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

const mdCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The claim table as Markdown: study, claim, measured, verdict. */
export function claimTableMarkdown(outcomes: readonly StudyOutcome[]): string {
  const rows = outcomes.flatMap((o) => o.claims.map((c) => `| ${o.study.name} | ${mdCell(c.text)} | ${mdCell(c.measured)} | **${verdict(c.pass)}** |`));
  return ['| study | claim (SCIENCE.md) | measured | verdict |', '|---|---|---|---|', ...rows].join('\n');
}

const verdictClass = (pass: boolean | null) => (pass === null ? 'nodata' : pass ? 'pass' : 'fail');

function seedCellHtml(c: ClaimResult): string {
  return (c.seeds ?? []).map((s) => `<span class="verdict ${verdictClass(s.pass)}" title="${esc(s.measured)}">${s.seed}&nbsp;${verdict(s.pass)}</span>`).join('<br>');
}

function claimRowsHtml(outcomes: readonly StudyOutcome[], withStudy: boolean): string {
  return outcomes
    .flatMap((o) =>
      o.claims.map((c) => {
        return `<tr>${withStudy ? `<td class="study"><a href="#study-${esc(o.study.name)}">${esc(o.study.name)}</a></td>` : ''}<td>${esc(c.text)}</td><td>${esc(c.measured)}</td><td class="seeds">${seedCellHtml(c)}</td><td class="verdict ${verdictClass(c.pass)}">${verdict(c.pass)}</td></tr>`;
      }),
    )
    .join('');
}

function claimTableHtml(outcomes: readonly StudyOutcome[], withStudy: boolean): string {
  return `<table class="claims"><thead><tr>${withStudy ? '<th>study</th>' : ''}<th>claim (SCIENCE.md)</th><th>measured (mean over seeds, min-max)</th><th>per seed</th><th>verdict (every seed)</th></tr></thead><tbody>${claimRowsHtml(outcomes, withStudy)}</tbody></table>`;
}

function fmt(x: number | null, digits = 3): string {
  return x === null ? '—' : String(Number(x.toFixed(digits)));
}

function rolloutLength(r: RunMeasurement): string {
  const g = lengthGrowth([r], r.label);
  return g ? `${fmt(g.from, 2)} → ${fmt(g.to, 2)}` : '—';
}

function measurementsHtml(m: readonly RunMeasurement[]): string {
  const rows = m
    .map(
      (r) =>
        `<tr><td>${esc(r.label)}</td><td class="num">${r.seed}</td><td class="num">#${r.runId}</td><td class="num">${r.pCot}</td><td class="num">${fmt(r.greedyAccuracy)}</td><td class="num">${fmt(r.greedyLengthMedian)} / ${r.longLength}</td><td class="num">${fmt(r.startSampledLongShare)}</td><td class="num">${fmt(r.sampledLongShare)}</td><td class="num">${rolloutLength(r)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>run</th><th>seed</th><th>id</th><th>p_cot</th><th>greedy acc (final)</th><th>median greedy length / long</th><th>sampled long share (first eval)</th><th>sampled long share (final)</th><th>RL rollout mean length (first step → last fifth)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** A study that sweeps p_cot (the threshold) gets the paper's figure: greedy accuracy against p_cot per phase. */
export async function studyHyperparam(api: WorkbenchApi, ids: readonly number[]): Promise<HyperparamQuery[]> {
  const runs = await Promise.all(ids.map((id) => api.runs.get({ id })));
  const values = new Set(runs.map((run) => getPath(run.config, 'task.p_cot')).filter((v) => typeof v === 'number'));
  return values.size >= 3 ? [DEFAULT_HYPERPARAM_QUERY] : [];
}

/** The comparison report's style and body (without its own header and footer). */
function splitReport(html: string): { style: string; body: string } {
  const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
  let body = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '';
  body = body.replace(/<header>[\s\S]*?<\/header>/, '').replace(/<footer>[\s\S]*?<\/footer>/, '');
  return { style, body };
}

/** The report, with each study's figures drawn by the service's own comparison report (export/report). */
export async function buildReproduceReport(api: WorkbenchApi, outcomes: readonly StudyOutcome[], summary: ReproduceSummary): Promise<string> {
  const existing = new Set((await api.runs.list({})).map((r) => r.id));
  const { appVersion } = await api.system.info({});
  let style = '';
  const sections: string[] = [];
  for (const o of outcomes) {
    let figures = '<p class="note">No runs to chart.</p>';
    const ids = o.runIds.filter((id) => existing.has(id));
    if (ids.length > 0) {
      const hyperparam = (await studyHyperparam(api, ids))[0];
      const part = splitReport((await api.export.report({ ids, keys: o.study.figureKeys, title: o.study.title, ...(hyperparam ? { hyperparam } : {}) })).content);
      style ||= part.style;
      figures = part.body;
    }
    sections.push(`<section class="study" id="study-${esc(o.study.name)}">
<h2 class="study-title">${esc(o.study.title)} <span class="muted">(${esc(o.study.name)} · ${o.runIds.length} runs · ${duration(o.wallSeconds)})</span></h2>
<p>${esc(o.study.description)}</p>
<h3>Claims</h3>
${claimTableHtml([o], false)}
<h3>Measured per run</h3>
${measurementsHtml(o.measurements)}
<div class="figures">${figures}</div>
</section>`);
  }
  const counts = verdictCounts(outcomes);
  const failed = summary.failedRuns.length
    ? `<p class="err">Runs that did not complete: ${esc(summary.failedRuns.join(', '))}</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="NTP+RL Workbench ${esc(appVersion)}">
<title>Reproduction of arXiv 2510.11495 (${esc(summary.scale)})</title>
<style>${style}
.claims td.verdict { font-weight: 700; white-space: nowrap; }
.claims td.study, .claims td.seeds { white-space: nowrap; }
.verdict.pass { color: #1a7f37; } .verdict.fail { color: #cf222e; } .verdict.nodata { color: #9a6700; }
section.study { margin-top: 40px; }
h2.study-title { font-size: 18px; }
h3 { font-size: 14px; margin: 18px 0 6px; }
.figures section h2 { font-size: 14px; }
</style>
</head>
<body>
<header>
  <h1>How RL after next-token prediction facilitates learning — reproduction</h1>
  <p class="meta">${esc(summary.scale)} scale · ${summary.seeds} seed${summary.seeds === 1 ? '' : 's'} per run · ${outcomes.length} stud${outcomes.length === 1 ? 'y' : 'ies'} · wall ${duration(summary.wallSeconds)} · generated ${esc(new Date().toISOString().replace('T', ' ').slice(0, 19))} UTC · NTP+RL Workbench v${esc(appVersion)}</p>
  <p class="meta">Command: <code>${esc(summary.command)}</code> · runs stored in <code>${esc(summary.storePath)}</code>, tagged <code>study:&lt;name&gt;</code></p>
  ${summary.stamps ? stampsHtml(summary.stamps) : ''}
</header>
<section>
<h2>Claim table</h2>
<p class="note">${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(' · ')}. Each claim of SCIENCE.md, decided from the final held-out evaluation of each run, for each seed on its own: a claim ${SEED_RULE} (the per-seed column; hover for that seed's numbers). A failed claim is a measurement, not an error.</p>
${failed}
${claimTableHtml(outcomes, true)}
</section>
${sections.join('\n')}
<footer>Self-contained report: charts are inline SVG; nothing is loaded from the network.</footer>
</body>
</html>
`;
}
