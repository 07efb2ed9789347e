import { describe, expect, it } from 'vitest';
import { RunQueue } from './run-queue';

/** A launcher whose runs finish when the test says so. */
function controlledLauncher() {
  const finishers = new Map<number, () => void>();
  const started: number[] = [];
  return {
    started,
    launch(runId: number) {
      started.push(runId);
      return new Promise<void>((resolve) => finishers.set(runId, resolve));
    },
    async finish(runId: number) {
      finishers.get(runId)!();
      await new Promise((r) => setTimeout(r, 0));
    },
  };
}

describe('RunQueue', () => {
  it('runs at most `concurrency` at once, in queue order', async () => {
    const launcher = controlledLauncher();
    const queue = new RunQueue({ concurrency: 2, launch: (id) => launcher.launch(id), onChange: () => {} });
    queue.enqueue(1, 2, 3, 4);
    expect(launcher.started).toEqual([1, 2]);
    expect(queue.state()).toEqual({ concurrency: 2, running: [1, 2], queued: [3, 4] });
    await launcher.finish(2);
    expect(launcher.started).toEqual([1, 2, 3]);
    queue.setConcurrency(3);
    expect(launcher.started).toEqual([1, 2, 3, 4]);
  });

  it('reorders and cancels queued runs but not running ones', () => {
    const launcher = controlledLauncher();
    const queue = new RunQueue({ concurrency: 1, launch: (id) => launcher.launch(id), onChange: () => {} });
    queue.enqueue(1, 2, 3, 4);
    expect(queue.move(4, 0)).toBe(true);
    expect(queue.state().queued).toEqual([4, 2, 3]);
    expect(queue.remove(2)).toBe(true);
    expect(queue.remove(1)).toBe(false);
    expect(queue.move(1, 0)).toBe(false);
    expect(queue.state()).toEqual({ concurrency: 1, running: [1], queued: [4, 3] });
  });

  it('frees the slot when a launch fails', async () => {
    const started: number[] = [];
    const queue = new RunQueue({
      concurrency: 1,
      launch: async (id) => {
        started.push(id);
        throw new Error('spawn failed');
      },
      onChange: () => {},
    });
    queue.enqueue(1, 2);
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([1, 2]);
    expect(queue.state().running).toEqual([]);
  });
});

describe('RunQueue with a core budget', () => {
  it('gives a lone run every core, splits them between runs starting together, and waits for a free core', async () => {
    const { CoreBudget } = await import('./core-budget');
    const workers = new Map<number, number | undefined>();
    const finishers = new Map<number, () => void>();
    const queue = new RunQueue({
      concurrency: 8,
      budget: new CoreBudget(4),
      launch: (id, w) => {
        workers.set(id, w);
        return new Promise<void>((resolve) => finishers.set(id, resolve));
      },
      onChange: () => {},
    });
    queue.enqueue(1);
    expect(workers.get(1)).toBe(4);
    queue.enqueue(2, 3);
    expect(queue.state().running).toEqual([1]); // no core free until run 1 ends
    finishers.get(1)!();
    await new Promise((r) => setTimeout(r, 0));
    expect([workers.get(2), workers.get(3)]).toEqual([2, 2]);
  });
});
