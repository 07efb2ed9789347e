// Electron transport: one ipcMain handler per contract method, each going through the shared
// dispatcher (input validation, error envelopes). Only the app's own frames may call.
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { METHOD_NAMES, parseInput, toErrorBody, type Reply } from '../api/contract';
import type { ExportFile } from '../api/types';
import type { WorkbenchService } from '../backend/service';
import { EVENT_CHANNEL, methodChannel } from './channels';
import { isAppUrl } from './window-options';

/** The one method that needs the window itself: print the calling page to a PDF file. */
async function printPage(event: IpcMainInvokeEvent, input: unknown): Promise<Reply<ExportFile>> {
  try {
    const { title } = parseInput('export/pdf', input);
    const pdf = await event.sender.printToPDF({ printBackground: true, landscape: true, pageSize: 'A4' });
    const name = (title ?? 'workbench').replace(/[^\w.-]+/g, '-').slice(0, 80);
    return { ok: true, data: { filename: `${name}.pdf`, mimeType: 'application/pdf', content: pdf.toString('base64'), encoding: 'base64' } };
  } catch (err) {
    return { ok: false, error: toErrorBody(err) };
  }
}

export function registerIpc(service: WorkbenchService, appUrl: string, windows: () => BrowserWindow[]): () => void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(methodChannel(name), (event: IpcMainInvokeEvent, input: unknown) => {
      if (!event.senderFrame || !isAppUrl(event.senderFrame.url, appUrl)) {
        return { ok: false, error: { code: 'unavailable', message: 'caller is not the app' } };
      }
      if (name === 'export/pdf') return printPage(event, input);
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
