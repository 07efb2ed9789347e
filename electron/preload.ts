// The renderer's only door to the backend: one function per contract method, grouped by domain
// (`workbenchBridge.runs.list(input)`), plus an event subscription. Nothing else crosses.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { METHOD_NAMES } from '../api/contract';
import type { WorkbenchEvent } from '../api/events';
import { EVENT_CHANNEL, methodChannel } from './channels';

const bridge: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
for (const name of METHOD_NAMES) {
  const [domain, verb] = name.split('/') as [string, string];
  const channel = methodChannel(name);
  (bridge[domain] ??= {})[verb] = (input: unknown) => ipcRenderer.invoke(channel, input);
}

contextBridge.exposeInMainWorld('workbenchBridge', {
  ...bridge,
  subscribe(listener: (event: WorkbenchEvent) => void): () => void {
    const handler = (_event: IpcRendererEvent, payload: WorkbenchEvent) => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});
