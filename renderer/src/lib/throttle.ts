// Leading + trailing throttle: the first call runs at once, bursts collapse into one more call
// at the end of the window. Used to re-fetch series while progress events stream in.

export interface Throttled {
  (): void;
  cancel(): void;
}

export function throttle(fn: () => void, ms: number, timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis): Throttled {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = () => {
    timer = null;
    last = Date.now();
    fn();
  };
  const throttled = (() => {
    const wait = last + ms - Date.now();
    if (wait <= 0 && timer == null) run();
    else if (timer == null) timer = timers.setTimeout(run, Math.max(0, wait));
  }) as Throttled;
  throttled.cancel = () => {
    if (timer != null) timers.clearTimeout(timer);
    timer = null;
  };
  return throttled;
}
