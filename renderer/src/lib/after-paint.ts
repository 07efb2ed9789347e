// Work that can wait until the browser has painted the next frame: the compare view builds its
// 100-row tables after the charts are on screen (or while their series are still loading).

type Frames = Pick<typeof globalThis, 'requestAnimationFrame' | 'cancelAnimationFrame' | 'setTimeout' | 'clearTimeout'>;

/**
 * Calls `fn` once the next frame has been painted: a frame callback, then a task (frame callbacks
 * run before the paint). Returns a cancel, for an effect's cleanup.
 */
export function afterPaint(fn: () => void, frames: Frames = globalThis): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const frame = frames.requestAnimationFrame(() => {
    timer = frames.setTimeout(() => {
      timer = null;
      fn();
    }, 0);
  });
  return () => {
    frames.cancelAnimationFrame(frame);
    if (timer != null) frames.clearTimeout(timer);
  };
}
