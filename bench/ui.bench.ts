// UI benchmark (issue 14 item 6): a generated store of 100 runs x 4 metrics x 3,000 steps opened in
// browser mode in Debian's Chromium. Times opening the compare view, each control change, the
// metric-vs-hyperparameter view and the HTML report export. Printed, never asserted.
// Usage: npm run build:renderer && npm run bench:ui   (BENCH_KEEP=1 keeps the temp store)
// BENCH_PROFILE=1 also prints, per step, the API calls it made and the functions with the most
// self time in a Chromium CPU profile (build with `npx vite build --config vite.renderer.config.ts
// --minify false` for readable names). Profiling slows the page: its timings are not the figures.
// Each step also prints the page's main-thread busy time (CDP TaskDuration) and its CPU time
// (ThreadTime), which other load on the machine sways less than wall time; the server's share is in
// the wall time only. BENCH_TRACE=1 prints, per step, the main thread's self time per trace event
// (script, paint, layout, GC), which a CPU profile lumps into "(program)".
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { openStore } from '../db/index';
import { writeSyntheticRun } from '../db/testing/synthetic-sweep';
import { traceSelfTime } from './trace-summary';

const RUNS = 100;
const SEEDS = 5; // 20 p_cot values x 5 seeds, so "group seeds" has groups to draw
const STEPS = 3000;
const TAG = 'study:bench-ui';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbench-ui-bench-'));
const dbPath = path.join(dir, 'runs.sqlite');
const results: Record<string, number> = {};
const report = (name: string, ms: number, what: string) => {
  results[name] = Math.round(ms);
  console.log(`${what}: ${ms.toFixed(0)} ms${busy[name] != null ? ` (main thread busy ${busy[name]} ms, CPU ${cpu[name]} ms)` : ''}`);
};

function seed(): number[] {
  const t0 = performance.now();
  const store = openStore(dbPath);
  const ids: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const pCot = Math.round((Math.floor(i / SEEDS) / (RUNS / SEEDS)) * 1000) / 1000;
    ids.push(writeSyntheticRun(store, { pCot, seed: i % SEEDS, ntpSteps: 2000, rlSteps: STEPS - 2000, every: 1, tags: [TAG] }));
  }
  store.close();
  console.log(`store: ${RUNS} runs x 4 metrics x ${STEPS} steps written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return ids;
}

async function serve(): Promise<{ child: ChildProcess; launchUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'serve', '--port', '0', '--db', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const launchUrl = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`serve did not print its URL in 60 s\n${stderr}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}\n${stderr}`));
    });
  });
  return { child, launchUrl };
}

const PROFILE = process.env.BENCH_PROFILE === '1';
/** A Chromium trace per step instead: self time per trace event (paint, raster, layout, script). */
const TRACE = process.env.BENCH_TRACE === '1';
let cdp: CDPSession | null = null;
/** The page's main-thread busy time (CDP TaskDuration): less swayed by other load than wall time. */
let metrics: CDPSession | null = null;
const busy: Record<string, number> = {};
/** The main thread's CPU time (CDP ThreadTime): what the page itself spent, whatever else runs. */
const cpu: Record<string, number> = {};
const busyMs = async () => {
  const { metrics: list } = await metrics!.send('Performance.getMetrics');
  const get = (name: string) => 1000 * (list.find((m) => m.name === name)?.value ?? 0);
  return { busy: get('TaskDuration'), cpu: get('ThreadTime') };
};
const apiCalls: string[] = [];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The functions with the most self time in a CPU profile, as printable lines. */
function topSelfTime(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, top = 12): string[] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => `    ${ms.toFixed(1).padStart(8)} ms  ${name}`);
}

/** Runs `act` in the page, then waits (frame by frame) until `done` holds and one more frame has
 * painted; returns the milliseconds from the action to that frame. `act`/`done` are source strings
 * evaluated in the page, since they must cross into the browser. */
async function timed(page: Page, act: string, done: string, name = ''): Promise<number> {
  const before = await busyMs();
  const ms = await profiled(page, act, done, name);
  const after = await busyMs();
  busy[name] = Math.round(after.busy - before.busy);
  cpu[name] = Math.round(after.cpu - before.cpu);
  return ms;
}

async function profiled(page: Page, act: string, done: string, name: string): Promise<number> {
  if (TRACE) {
    const browser = page.context().browser()!;
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'cc', 'skia', 'toplevel'] });
    const ms = await timedInPage(page, act, done);
    console.log(traceSelfTime((await browser.stopTracing()).toString()).join('\n'));
    return ms;
  }
  if (!cdp) return timedInPage(page, act, done);
  apiCalls.length = 0;
  await cdp.send('Profiler.start');
  const ms = await timedInPage(page, act, done);
  const { profile } = await cdp.send('Profiler.stop');
  // BENCH_PROFILE_DIR keeps each step's profile, for DevTools' Performance panel.
  if (process.env.BENCH_PROFILE_DIR) fs.writeFileSync(path.join(process.env.BENCH_PROFILE_DIR, `${name || 'step'}.cpuprofile`.replace(/[^\w.-]+/g, '_')), JSON.stringify(profile));
  console.log(`  api: ${apiCalls.join(', ') || 'none'}`);
  console.log(topSelfTime(profile as unknown as Parameters<typeof topSelfTime>[0]).join('\n'));
  return ms;
}

async function timedInPage(page: Page, act: string, done: string): Promise<number> {
  // A source string, not a function: tsx would wrap a function's inner helpers in `__name`, which
  // the page lacks.
  return page.evaluate<number>(`(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    const t0 = performance.now();
    ${act};
    const deadline = t0 + 120000;
    while (!(${done})) {
      if (performance.now() > deadline) throw new Error('timed out waiting for ' + ${JSON.stringify(done)});
      await frame();
    }
    await frame();
    await frame();
    return performance.now() - t0;
  })()`);
}

/** True in the page once the view has every series it asked for. */
const loaded = `document.querySelector('[data-testid="compare-view"]')?.getAttribute('data-loading') === 'false'`;

/**
 * True in the page once nothing is loading, every compare chart lists `n` series and the `need`
 * predicate on names holds (and, when given, `bands` lines carry a seed band).
 */
const chartsDrawn = (n: number, need = 'true', count = 3, bands?: number) =>
  `(() => { if (!(${loaded})) return false; const cs = [...document.querySelectorAll('[data-testid^="compare-chart-"]')]; ` +
  `return cs.length === ${count} && cs.every((c) => { const names = JSON.parse(c.getAttribute('data-series') || '[]'); ` +
  `return names.length === ${n} && c.querySelector('canvas') && (${bands == null ? 'true' : `c.getAttribute('data-bands') === '${bands}'`}) && (${need}); }); })()`;

async function main(): Promise<void> {
  const ids = seed();
  const { child, launchUrl } = await serve();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    await page.goto(launchUrl);
    await page.getByTestId('app-shell').waitFor({ timeout: 60_000 });
    metrics = await page.context().newCDPSession(page);
    await metrics.send('Performance.enable');
    if (PROFILE) {
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      page.on('requestfinished', (req) => {
        const t = req.timing();
        if (req.url().includes('/api/') && !req.url().endsWith('/api/events')) {
          void req.response().then((r) => r?.body()).then((b) => apiCalls.push(`${req.url().split('/api/')[1]} ${(t.responseEnd).toFixed(0)} ms ${((b?.length ?? 0) / 1e6).toFixed(2)} MB`));
        }
      });
    }

    report('openCompareMs', await timed(page, `location.hash = '#/compare?ids=${ids.join(',')}'`, chartsDrawn(RUNS), 'openCompareMs'), `open compare of ${RUNS} runs (3 charts drawn)`);

    const controls: Record<string, number> = {};
    const control = async (name: string, act: string, done: string) => {
      const ms = await timed(page, act, done, name);
      controls[name] = Math.round(ms);
      console.log(`control ${name}: ${ms.toFixed(0)} ms (main thread busy ${busy[name]} ms, CPU ${cpu[name]} ms)`);
    };
    const smooth = `const s = document.querySelector('input[aria-label="Smoothing"]'); s.value = '0.9'; s.dispatchEvent(new Event('input', { bubbles: true }));`;
    await control('smoothing 0 -> 0.9', smooth, `document.querySelector('.smooth .val').textContent === '0.90'`);
    await control('x axis -> samples', `document.querySelector('[data-testid="x-samples"]').click()`, `document.querySelector('[data-testid="x-samples"]').getAttribute('aria-checked') === 'true' && ${loaded}`);
    await control('x axis -> step', `document.querySelector('[data-testid="x-step"]').click()`, `document.querySelector('[data-testid="x-step"]').getAttribute('aria-checked') === 'true' && ${loaded}`);
    await control('group seeds on', `document.querySelector('[data-testid="group-seeds"]').click()`, chartsDrawn(RUNS / SEEDS, `names.every((x) => /seeds/.test(x))`, 3, RUNS / SEEDS));
    await control('group seeds off', `document.querySelector('[data-testid="group-seeds"]').click()`, chartsDrawn(RUNS));
    await page.getByTestId('metric-picker').click();
    await control(
      'add metric loss',
      `[...document.querySelectorAll('[data-testid="metric-menu"] label')].find((l) => l.textContent.includes('loss') && !l.textContent.includes('/')).querySelector('input').click()`,
      chartsDrawn(RUNS, 'true', 4),
    );
    await page.keyboard.press('Escape');
    const slowest = Object.entries(controls).sort((a, b) => b[1] - a[1])[0]!;
    results.controlChangeMs = slowest[1];
    results.controlChangeBusyMs = Math.max(...Object.keys(controls).map((k) => busy[k]!));
    results.controlChangeCpuMs = Math.max(...Object.keys(controls).map((k) => cpu[k]!));
    console.log(`slowest control change: ${slowest[0]} ${slowest[1]} ms; most main-thread time: ${results.controlChangeBusyMs} ms, CPU ${results.controlChangeCpuMs} ms`);

    const t0 = performance.now();
    await page.getByTestId('export-menu').click();
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 300_000 }), page.getByTestId('export-html').click()]);
    const file = await download.path();
    report('reportMs', performance.now() - t0, `HTML report export of ${RUNS} runs x 4 metrics (${(fs.statSync(file).size / 1e6).toFixed(1)} MB)`);

    report(
      'hyperparamViewMs',
      await timed(
        page,
        `location.hash = '#/hyperparam?tag=${TAG}'`,
        `(() => { const c = document.querySelector('[data-testid="hyperparam-chart"]'); return c && c.querySelector('canvas') && document.querySelectorAll('[data-testid="hyperparam-table"] tbody tr').length > 0; })()`,
        'hyperparamViewMs',
      ),
      `metric-vs-hyperparameter view of ${RUNS} runs`,
    );
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(dir, { recursive: true, force: true });
  }
  const [l1, l5, l15] = os.loadavg().map((x) => Math.round(x * 100) / 100);
  if (busy.openCompareMs != null) results.openCompareBusyMs = busy.openCompareMs;
  if (cpu.openCompareMs != null) results.openCompareCpuMs = cpu.openCompareMs;
  console.log(JSON.stringify({ ...results, loadAvg: [l1, l5, l15], cores: os.cpus().length }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
