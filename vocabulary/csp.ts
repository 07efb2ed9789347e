// The one Content-Security-Policy. The app's page gets it three ways — the Electron window's
// response headers (and its app:// protocol responses), the browser-mode server's headers, and
// the page's own meta tag (written into index.html at build time) — and the HTML report gets the
// variant of a self-contained file. All four are built here from one list of directives.

type Directives = Readonly<Record<string, readonly string[]>>;

/** The app loads only its own files and talks only to its own backend. */
const APP_DIRECTIVES: Directives = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};

/** Browsers ignore these in a meta tag (and warn about them): they only work as headers. */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/**
 * A report is one file opened from disk or mail: nothing outside it may load and nothing in it
 * runs; its CSS is inline and its charts are inline SVG.
 */
const REPORT_DIRECTIVES: Directives = {
  ...APP_DIRECTIVES,
  'default-src': ["'none'"],
  'script-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'img-src': ['data:'],
  'font-src': ["'none'"],
  'connect-src': ["'none'"],
};

function serialize(directives: Directives, keep: (name: string) => boolean = () => true): string {
  return Object.entries(directives)
    .filter(([name]) => keep(name))
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** For response headers (Electron's window and protocol, the browser-mode server). */
export const APP_CSP = serialize(APP_DIRECTIVES);

/** For the page's `<meta http-equiv="Content-Security-Policy">`: the same, less header-only directives. */
export const APP_CSP_META = serialize(APP_DIRECTIVES, (name) => !HEADER_ONLY.has(name));

/** For the self-contained HTML report's meta tag. */
export const REPORT_CSP_META = serialize(REPORT_DIRECTIVES, (name) => !HEADER_ONLY.has(name));

/** The meta tag itself; the policies hold no characters that need escaping in an attribute beyond quotes. */
export function cspMetaTag(policy: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="${policy.replace(/"/g, '&quot;')}">`;
}
