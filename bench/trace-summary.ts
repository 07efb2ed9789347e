// Summarises a Chromium trace (Browser.startTracing) of the page: self time per event name on the
// renderer's main thread, so native work (paint, raster, layout, style, GC) that a CPU profile
// lumps into "(program)" gets a name. Used by the UI benchmark's BENCH_TRACE=1.

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of the span. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

/** Self time (ms) per event name on the threads named `thread`, the largest `top` as printable lines. */
export function traceSelfTime(json: string, thread = 'CrRendererMain', top = 14): string[] {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const threads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === thread).map((e) => `${e.pid}:${e.tid}`));
  // Complete events only ('X'); nested ones are subtracted from their parent to give self time.
  const spans = events
    .filter((e) => e.ph === 'X' && e.dur != null && threads.has(`${e.pid}:${e.tid}`))
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Wall and CPU time; under load the CPU time is the steadier figure.
  const self = new Map<string, { wall: number; cpu: number }>();
  const add = (name: string, wall: number, cpu: number) => {
    const s = self.get(name) ?? { wall: 0, cpu: 0 };
    s.wall += wall;
    s.cpu += cpu;
    self.set(name, s);
  };
  const stack: { end: number; name: string }[] = [];
  let total = { wall: 0, cpu: 0 };
  for (const e of spans) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    const cpu = e.tdur ?? e.dur!;
    if (parent) add(parent.name, -e.dur!, -cpu);
    else total = { wall: total.wall + e.dur!, cpu: total.cpu + cpu };
    add(e.name, e.dur!, cpu);
    stack.push({ end: e.ts + e.dur!, name: e.name });
  }
  const ms = (us: number) => (us / 1000).toFixed(1).padStart(8);
  return [
    `    main thread: ${ms(total.wall)} ms in tasks, ${ms(total.cpu)} ms CPU (self time per event: wall, CPU)`,
    ...[...self]
      .sort((a, b) => b[1].cpu - a[1].cpu)
      .slice(0, top)
      .map(([name, t]) => `    ${ms(t.wall)} ${ms(t.cpu)} ms  ${name}`),
  ];
}
