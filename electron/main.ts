// Electron entry: one window, the security rules, the backend service and its IPC.
import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { createWorkbenchService } from '../backend/service';
import { registerIpc } from './ipc';
import { utilityProcessSpawner } from './trainer-spawner';
import { CONTENT_SECURITY_POLICY, isAppUrl, mainWindowOptions } from './window-options';

// Injected by Electron Forge's Vite plugin.
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const appUrl = MAIN_WINDOW_VITE_DEV_SERVER_URL ?? `file://${join(__dirname, `../renderer/${MAIN_WINDOW_VITE_NAME}/index.html`)}`;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(join(__dirname, 'preload.cjs')));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return window;
}

/** No remote content, no new windows, no navigation away, no permissions. */
function lockDown(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, appUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, appUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to papers and docs open in the user's browser, never inside the app.
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}

if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(async () => {
  lockDown();
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
