// Hash routes, so views survive a reload and the back button works without a router library.
import { DEFAULT_HYPERPARAM_QUERY, type HyperparamQuery } from '../../../vocabulary/charts/hyperparam';
import { readCompareState, writeCompareState, type CompareUrlState } from './compare-url';

export type Route =
  | { view: 'runs' }
  /** `clone`: the run whose config (and name) the form opens with. */
  | { view: 'launch'; branchFrom?: number; checkpoint?: number; clone?: number }
  | { view: 'run'; id: number }
  /** `state`: the view's controls and zoom, when the link names them. */
  | { view: 'compare'; ids: number[]; state?: CompareUrlState }
  /** Metric versus hyperparameter of the listed runs, or of the runs carrying `tag`. */
  | { view: 'hyperparam'; ids: number[]; tag: string; query: HyperparamQuery };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'launch': {
      const from = positive(params.get('branch'));
      const checkpoint = positive(params.get('checkpoint'));
      const clone = positive(params.get('clone'));
      if (from == null) return clone == null ? { view: 'launch' } : { view: 'launch', clone };
      return checkpoint == null ? { view: 'launch', branchFrom: from } : { view: 'launch', branchFrom: from, checkpoint };
    }
    case 'run': {
      const id = Number(parts[1]);
      return Number.isInteger(id) && id > 0 ? { view: 'run', id } : { view: 'runs' };
    }
    case 'compare': {
      const state = readCompareState(params);
      return { view: 'compare', ids: parseIds(params.get('ids') ?? ''), ...(state ? { state } : {}) };
    }
    case 'hyperparam':
      return { view: 'hyperparam', ids: parseIds(params.get('ids') ?? ''), tag: params.get('tag') ?? '', query: parseHyperparamQuery(params) };
    default:
      return { view: 'runs' };
  }
}

export function formatRoute(route: Route): string {
  switch (route.view) {
    case 'runs':
      return '#/runs';
    case 'launch':
      if (!route.branchFrom) return route.clone ? `#/launch?clone=${route.clone}` : '#/launch';
      return `#/launch?branch=${route.branchFrom}${route.checkpoint ? `&checkpoint=${route.checkpoint}` : ''}`;
    case 'run':
      return `#/run/${route.id}`;
    case 'compare':
    {
      if (!route.state) return route.ids.length ? `#/compare?ids=${route.ids.join(',')}` : '#/compare';
      const params = new URLSearchParams();
      if (route.ids.length) params.set('ids', route.ids.join(','));
      writeCompareState(route.state, params);
      return `#/compare?${params.toString().replace(/%2C/g, ',').replace(/%2F/g, '/').replace(/%3A/g, ':')}`;
    }
    case 'hyperparam': {
      const q = route.query;
      const params = new URLSearchParams();
      if (route.ids.length) params.set('ids', route.ids.join(','));
      if (route.tag) params.set('tag', route.tag);
      params.set('metric', q.metric);
      params.set('x', q.x);
      params.set('line', q.lineBy);
      params.set('at', q.at);
      if (q.step != null) params.set('step', String(q.step));
      params.set('bars', q.bars);
      return `#/hyperparam?${params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2F/g, '/')}`;
    }
  }
}

function positive(text: string | null): number | null {
  const n = Number(text);
  return text != null && Number.isInteger(n) && n > 0 ? n : null;
}

const PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

function parseHyperparamQuery(params: URLSearchParams): HyperparamQuery {
  const d = DEFAULT_HYPERPARAM_QUERY;
  const at = params.get('at');
  const step = Number(params.get('step'));
  const line = params.get('line');
  const x = params.get('x') ?? '';
  return {
    metric: params.get('metric') || d.metric,
    x: PATH.test(x) ? x : d.x,
    lineBy: line === null ? d.lineBy : line === '' || PATH.test(line) ? line : d.lineBy,
    at: at === 'best' || at === 'step' || at === 'end' ? at : d.at,
    step: params.has('step') && Number.isInteger(step) && step >= 0 ? step : null,
    bars: params.get('bars') === 'std' ? 'std' : 'minmax',
  };
}

function parseIds(text: string): number[] {
  const ids = text.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(ids)];
}
