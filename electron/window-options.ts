// The main window's security settings, kept free of Electron imports (types only) so a plain
// Node test can check them.
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_CSP } from '../vocabulary/csp';

/** The one policy (vocabulary/csp.ts), as the window's response headers carry it. */
export const CONTENT_SECURITY_POLICY = APP_CSP;

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'NTP+RL Workbench',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/**
 * The app only ever shows its own pages: the Vite dev server in development, app://workbench/
 * otherwise. Anything else (a link, a drag-and-drop, a redirect, a frame) is refused.
 */
export function isAppUrl(target: string, appUrl: string): boolean {
  let to: URL;
  let app: URL;
  try {
    to = new URL(target);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return to.protocol === 'file:' && to.pathname === app.pathname;
  // Custom schemes have an opaque origin in WHATWG URLs ('null'): compare scheme and host instead.
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return to.protocol === app.protocol && to.host === app.host;
  return to.origin === app.origin;
}
