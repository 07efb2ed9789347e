// Picks the transport the renderer talks through: the preload's bridge inside Electron, or the
// local HTTP server in browser mode. The rest of the UI only sees the `workbench` object.
import { createWorkbench, type Transport, type WorkbenchApi } from '../../../api/client';
import type { MethodName, Reply } from '../../../api/contract';
import type { EventListener, WorkbenchEvent } from '../../../api/events';

/** What electron/preload.ts exposes: one function per contract method, grouped by domain. */
export type Bridge = Record<string, Record<string, (input: unknown) => Promise<Reply<unknown>>>> & {
  subscribe(listener: EventListener): () => void;
};

declare global {
  interface Window {
    workbenchBridge?: Bridge;
  }
}

function bridgeTransport(bridge: Bridge): Transport {
  return {
    invoke(method: MethodName, input: unknown) {
      const [domain, verb] = method.split('/') as [string, string];
      return bridge[domain][verb](input);
    },
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

const TOKEN_KEY = 'workbench-token';

/** The server hands the token to the page once in the URL; keep it for this tab, then hide it. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.toString());
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpTransport(token: string): Transport {
  const listeners = new Set<EventListener>();
  let source: EventSource | null = null;
  const connect = () => {
    // EventSource cannot send headers; the server also accepts the token's cookie.
    source = new EventSource('/api/events');
    source.onmessage = (message) => {
      const event = JSON.parse(message.data as string) as WorkbenchEvent;
      for (const listener of listeners) listener(event);
    };
  };
  return {
    async invoke(method, input) {
      const response = await fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-workbench-token': token },
        body: JSON.stringify(input ?? {}),
      });
      if (response.status === 401) {
        return { ok: false, error: { code: 'unavailable', message: 'Not authorised: open the URL with the token that `npm run serve` printed.' } };
      }
      return (await response.json()) as Reply<unknown>;
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!source) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
}

export function connectWorkbench(): WorkbenchApi {
  const transport = window.workbenchBridge ? bridgeTransport(window.workbenchBridge) : httpTransport(takeToken());
  return createWorkbench(transport);
}
