// The main window's security settings, kept free of Electron imports (types only) so a plain
// Node test can check them.
import type { BrowserWindowConstructorOptions } from 'electron';

/** Same policy as the browser-mode server's header and the page's meta tag. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

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
 * The app only ever shows its own pages: the Vite dev server in development, the packaged
 * files otherwise. Anything else (a link, a drag-and-drop, a redirect) is refused.
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
  return to.origin === app.origin;
}
