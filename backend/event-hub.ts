// Fan-out of backend events to every connected UI.
import type { EventListener, WorkbenchEvent } from '../api/events';

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: WorkbenchEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // One broken subscriber (a closed socket) must not starve the others.
        process.stderr.write(`event listener failed: ${String(err)}\n`);
      }
    }
  }
}
