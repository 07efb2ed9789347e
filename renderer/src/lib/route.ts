// Hash routes, so views survive a reload and the back button works without a router library.
export type Route =
  | { view: 'runs' }
  | { view: 'launch'; branchFrom?: number }
  | { view: 'run'; id: number }
  | { view: 'compare'; ids: number[] };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'launch': {
      const from = Number(params.get('branch'));
      return Number.isInteger(from) && from > 0 ? { view: 'launch', branchFrom: from } : { view: 'launch' };
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
      return route.branchFrom ? `#/launch?branch=${route.branchFrom}` : '#/launch';
    case 'run':
      return `#/run/${route.id}`;
    case 'compare':
      return route.ids.length ? `#/compare?ids=${route.ids.join(',')}` : '#/compare';
  }
}

function parseIds(text: string): number[] {
  const ids = text.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(ids)];
}
