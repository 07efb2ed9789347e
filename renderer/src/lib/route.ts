// Hash routes, so views survive a reload and the back button works without a router library.
export type Route =
  | { view: 'runs' }
  | { view: 'launch'; branchFrom?: number; checkpoint?: number }
  | { view: 'run'; id: number }
  | { view: 'compare'; ids: number[] };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'launch': {
      const from = positive(params.get('branch'));
      const checkpoint = positive(params.get('checkpoint'));
      if (from == null) return { view: 'launch' };
      return checkpoint == null ? { view: 'launch', branchFrom: from } : { view: 'launch', branchFrom: from, checkpoint };
    }
    case 'run': {
      const id = Number(parts[1]);
      return Number.isInteger(id) && id > 0 ? { view: 'run', id } : { view: 'runs' };
    }
    case 'compare':
      return { view: 'compare', ids: parseIds(params.get('ids') ?? '') };
    default:
      return { view: 'runs' };
  }
}

export function formatRoute(route: Route): string {
  switch (route.view) {
    case 'runs':
      return '#/runs';
    case 'launch':
      if (!route.branchFrom) return '#/launch';
      return `#/launch?branch=${route.branchFrom}${route.checkpoint ? `&checkpoint=${route.checkpoint}` : ''}`;
    case 'run':
      return `#/run/${route.id}`;
    case 'compare':
      return route.ids.length ? `#/compare?ids=${route.ids.join(',')}` : '#/compare';
  }
}

function positive(text: string | null): number | null {
  const n = Number(text);
  return text != null && Number.isInteger(n) && n > 0 ? n : null;
}

function parseIds(text: string): number[] {
  const ids = text.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(ids)];
}
