// The numbers behind a metric-versus-hyperparameter figure, as an HTML table (an SVG point cannot
// be read off exactly; a table can be copied).
import { formatScalar } from '../vocabulary/config-paths';
import { formatValue } from '../vocabulary/format';
import type { HyperparamData, HyperparamQuery } from '../vocabulary/charts/hyperparam';

export function hyperparamTableHtml(data: HyperparamData, query: HyperparamQuery): string {
  const rows = data.lines.flatMap((line) =>
    line.points.map(
      (p) =>
        `<tr><td>${esc(line.name)}</td><td class="num">${esc(formatScalar(p.x))}</td><td class="num">${formatValue(p.mean, query.metric)}</td><td class="num">${formatValue(p.lower, query.metric)} – ${formatValue(p.upper, query.metric)}</td><td class="num">${p.runIds.length}</td><td>${p.runIds.map((id) => `#${id}`).join(' ')}</td></tr>`,
    ),
  );
  return `<table class="hyperparam-table"><thead><tr><th>line</th><th>${esc(query.x)}</th><th>mean</th><th>${query.bars === 'minmax' ? 'min – max' : '±1 std'}</th><th>runs</th><th>ids</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
