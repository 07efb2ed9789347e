// Electron entry: one window, the security rules, the backend service and its IPC.
import { app, BrowserWindow, protocol, session, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createWorkbenchService } from '../backend/service';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, contentTypeOf, resolveAppPath } from './app-protocol';
import { isAllowedExternalUrl } from './external-links';
import { registerIpc } from './ipc';
import { utilityProcessSpawner } from './trainer-spawner';
import { CONTENT_SECURITY_POLICY, isAppUrl, mainWindowOptions } from './window-options';

// Injected by Electron Forge's Vite plugin.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const rendererDir = join(__dirname, `../renderer/${MAIN_WINDOW_VITE_NAME}`);
const appUrl = MAIN_WINDOW_VITE_DEV_SERVER_URL ?? APP_ENTRY_URL;

// Must happen before the app is ready: app:// gets the privileges of a secure, standard origin.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

/** app://workbench/… answers only with files of the built renderer, each with the one CSP. */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppPath(rendererDir, request.url);
    const body = file ? await readFile(file).catch(() => null) : null;
    if (!file || !body) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(body, {
      headers: { 'content-type': contentTypeOf(file), 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
    });
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(join(__dirname, 'preload.cjs')));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return window;
}

/** No remote content, no new windows, no navigation away (of any frame), no permissions. */
function lockDown(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, appUrl)) event.preventDefault();
    });
    contents.on('will-frame-navigate', (event) => {
      if (!isAppUrl(event.url, appUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, appUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // The few pages the app links to (the paper) open in the user's browser, never inside the app.
      if (isAllowedExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(async () => {
  lockDown();
  serveRenderer();
  const service = await createWorkbenchService({
    storePath: process.env.WORKBENCH_DB ?? join(app.getPath('userData'), 'runs.sqlite'),
    mode: 'electron',
    spawnTrainer: utilityProcessSpawner(join(__dirname, 'trainer.cjs')),
  });
  registerIpc(service, appUrl, () => BrowserWindow.getAllWindows());
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('before-quit', () => void service.close());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
