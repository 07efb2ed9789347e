// The compare view's full state as URL query parameters, so a reload or a new window restores
// it. Unknown or malformed values fall back to the defaults one by one.
import type { XAxisKind } from '../../../vocabulary/charts/series';

export interface CompareUrlState {
  keys: string[];
  smoothing: number;
  x: XAxisKind;
  groupSeeds: boolean;
  band: 'minmax' | 'std';
  showThreshold: boolean;
  showStar: boolean;
  hidden: string[];
  atStep: number | null;
  zoom: [number, number] | null;
  logKeys: string[];
}

const list = (v: string | null) => (v ? v.split(',').filter(Boolean) : []);
const num = (v: string | null) => (v !== null && v !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

export function writeCompareState(s: CompareUrlState, params: URLSearchParams): void {
  params.set('keys', s.keys.join(','));
  params.set('smooth', String(s.smoothing));
  params.set('x', s.x);
  if (s.groupSeeds) params.set('group', s.band);
  if (!s.showThreshold) params.set('thr', '0');
  if (s.showStar) params.set('star', '1');
  if (s.hidden.length) params.set('hidden', s.hidden.join(','));
  if (s.atStep != null) params.set('at', String(s.atStep));
  if (s.zoom) params.set('zoom', s.zoom.map((v) => Number(v.toPrecision(6))).join(','));
  if (s.logKeys.length) params.set('log', s.logKeys.join(','));
}

/** The state the URL names; null when it names none (a plain `?ids=` link keeps the current state). */
export function readCompareState(params: URLSearchParams): CompareUrlState | null {
  if (!params.has('keys')) return null;
  const smoothing = num(params.get('smooth'));
  const x = params.get('x');
  const group = params.get('group');
  const zoom = list(params.get('zoom')).map(Number);
  return {
    keys: list(params.get('keys')).slice(0, 64),
    smoothing: smoothing != null && smoothing >= 0 && smoothing < 1 ? smoothing : 0.6,
    x: x === 'samples' || x === 'wall' ? x : 'step',
    groupSeeds: group === 'minmax' || group === 'std',
    band: group === 'std' ? 'std' : 'minmax',
    showThreshold: params.get('thr') !== '0',
    showStar: params.get('star') === '1',
    hidden: list(params.get('hidden')),
    atStep: num(params.get('at')),
    zoom: zoom.length === 2 && zoom.every(Number.isFinite) && zoom[0] < zoom[1] ? [zoom[0], zoom[1]] : null,
    logKeys: list(params.get('log')),
  };
}
