import { describe, expect, it, vi } from 'vitest';
import { afterPaint } from './after-paint';

/** A fake clock: frame callbacks and tasks run only when told. */
function fakeFrames() {
  const frames = new Map<number, () => void>();
  const tasks = new Map<number, () => void>();
  let next = 1;
  return {
    requestAnimationFrame: ((cb: FrameRequestCallback) => (frames.set(next, () => cb(0)), next++)) as typeof requestAnimationFrame,
    cancelAnimationFrame: ((id: number) => frames.delete(id)) as typeof cancelAnimationFrame,
    setTimeout: ((cb: () => void) => (tasks.set(next, cb), next++)) as unknown as typeof setTimeout,
    clearTimeout: ((id: number) => tasks.delete(id)) as typeof clearTimeout,
    frame: () => [...frames].forEach(([id, cb]) => (frames.delete(id), cb())),
    task: () => [...tasks].forEach(([id, cb]) => (tasks.delete(id), cb())),
  };
}

describe('afterPaint', () => {
  it('runs after the next frame, in a task of its own (after the paint)', () => {
    const f = fakeFrames();
    const fn = vi.fn();
    afterPaint(fn, f);
    f.task();
    expect(fn).not.toHaveBeenCalled(); // no frame yet
    f.frame();
    expect(fn).not.toHaveBeenCalled(); // the frame's callbacks run before it paints
    f.task();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('cancelled before the frame or between frame and task, never runs', () => {
    const f = fakeFrames();
    const a = vi.fn();
    const b = vi.fn();
    afterPaint(a, f)();
    const cancelB = afterPaint(b, f);
    f.frame();
    cancelB();
    f.task();
    f.frame();
    f.task();
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
  });
});
