// Electron transport: one ipcMain handler per contract method, each going through the shared
// dispatcher (input validation, error envelopes). Only the app's own frames may call.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { METHOD_NAMES } from '../api/contract';
import type { WorkbenchService } from '../backend/service';
import { EVENT_CHANNEL, methodChannel } from './channels';
import { isAppUrl } from './window-options';

export function registerIpc(service: WorkbenchService, appUrl: string, windows: () => BrowserWindow[]): () => void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(methodChannel(name), (event: IpcMainInvokeEvent, input: unknown) => {
      if (!event.senderFrame || !isAppUrl(event.senderFrame.url, appUrl)) {
        return { ok: false, error: { code: 'unavailable', message: 'caller is not the app' } };
      }
      return service.call(name, input);
    });
  }
  const unsubscribe = service.subscribe((event) => {
    for (const window of windows()) if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event);
  });
  return () => {
    unsubscribe();
    for (const name of METHOD_NAMES) ipcMain.removeHandler(methodChannel(name));
  };
}
