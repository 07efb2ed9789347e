// IPC channel names, shared by main and preload so they cannot drift apart.
import type { MethodName } from '../api/contract';

export const EVENT_CHANNEL = 'workbench:event';

export function methodChannel(name: MethodName): string {
  return `workbench:${name}`;
}
