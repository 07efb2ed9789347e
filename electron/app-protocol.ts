// The renderer's files served from app://workbench/ instead of file://: a standard, secure
// origin of its own (so header CSP, fetch and storage behave as on the web) that can reach only
// the built renderer folder. Free of Electron imports so a plain Node test can check it.
import path from 'node:path';
import { STATIC_CONTENT_TYPES } from '../vocabulary/content-types';

export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Privileges for protocol.registerSchemesAsPrivileged: like https, but for our own files. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true } as const;


export function contentTypeOf(file: string): string {
  return STATIC_CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that an app:// URL names, or null for anything else: another scheme or
 * host, bad percent-encoding, `..` (plain or encoded), backslashes, NUL bytes, absolute paths.
 * `/` is the app's entry page.
 */
export function resolveAppPath(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (relative === '/' || relative === '') relative = '/index.html';
  if (relative.includes('\0') || relative.includes('\\')) return null;
  if (relative.split('/').some((segment) => segment === '..')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${relative}`);
  return file.startsWith(base + path.sep) ? file : null;
}
