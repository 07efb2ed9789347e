// The `reproduce` report: one self-contained HTML file with the claim table first, then each
// study's figures and tables (the comparison report of its runs, as the app exports it), and the
// claim table as Markdown for the terminal and the README.
import type { WorkbenchApi } from '../api/client';
import type { ClaimResult, RunMeasurement } from '../paper/claims';
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

export interface ReproduceSummary {
  /** The scale, possibly with a note (a report written while the reproduction runs). */
  scale: string;
  seeds: number;
  command: string;
  wallSeconds: number;
  storePath: string;
  failedRuns: string[];
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

function claimRowsHtml(outcomes: readonly StudyOutcome[], withStudy: boolean): string {
  return outcomes
    .flatMap((o) =>
      o.claims.map((c) => {
        const cls = c.pass === null ? 'nodata' : c.pass ? 'pass' : 'fail';
        return `<tr>${withStudy ? `<td class="study"><a href="#study-${esc(o.study.name)}">${esc(o.study.name)}</a></td>` : ''}<td>${esc(c.text)}</td><td>${esc(c.measured)}</td><td class="verdict ${cls}">${verdict(c.pass)}</td></tr>`;
      }),
    )
    .join('');
}

function claimTableHtml(outcomes: readonly StudyOutcome[], withStudy: boolean): string {
  return `<table class="claims"><thead><tr>${withStudy ? '<th>study</th>' : ''}<th>claim (SCIENCE.md)</th><th>measured</th><th>verdict</th></tr></thead><tbody>${claimRowsHtml(outcomes, withStudy)}</tbody></table>`;
}

function fmt(x: number | null, digits = 3): string {
  return x === null ? '—' : String(Number(x.toFixed(digits)));
}

function measurementsHtml(m: readonly RunMeasurement[]): string {
  const rows = m
    .map(
      (r) =>
        `<tr><td>${esc(r.label)}</td><td class="num">${r.seed}</td><td class="num">#${r.runId}</td><td class="num">${r.pCot}</td><td class="num">${fmt(r.greedyAccuracy)}</td><td class="num">${fmt(r.greedyLengthMedian)} / ${r.longLength}</td><td class="num">${fmt(r.startSampledLongShare)}</td><td class="num">${fmt(r.sampledLongShare)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>run</th><th>seed</th><th>id</th><th>p_cot</th><th>greedy acc (final)</th><th>median greedy length / long</th><th>sampled long share (first eval)</th><th>sampled long share (final)</th></tr></thead><tbody>${rows}</tbody></table>`;
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
  const counts = outcomes.flatMap((o) => o.claims).reduce((acc, c) => ((acc[verdict(c.pass)] = (acc[verdict(c.pass)] ?? 0) + 1), acc), {} as Record<string, number>);
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
.claims td.study { white-space: nowrap; }
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
</header>
<section>
<h2>Claim table</h2>
<p class="note">${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(' · ')}. Each claim of SCIENCE.md, decided from the final held-out evaluation of each run (mean over seeds). A failed claim is a measurement, not an error.</p>
${failed}
${claimTableHtml(outcomes, true)}
</section>
${sections.join('\n')}
<footer>Self-contained report: charts are inline SVG; nothing is loaded from the network.</footer>
</body>
</html>
`;
}
