// GraphProgress rendered on the server (svelte/server): the counts, the ETA and the settled states.
import { describe, expect, it } from 'vitest';
import { render } from 'svelte/server';
import GraphProgress from './GraphProgress.svelte';
import type { GraphProgress as Progress } from '../../../api/types';

const progress = (p: Partial<Progress>): Progress => ({
  graphId: 1, total: 6, done: 0, running: 0, waiting: 6, failed: 0, etaSeconds: null, settled: false, stopped: false, ...p,
});
const text = (html: string) => html.replace(/<!--[^>]*-->/g, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

describe('GraphProgress', () => {
  it('shows each graph\'s done / running / waiting / failed counts and its ETA', () => {
    const { body } = render(GraphProgress, {
      props: { graphs: [progress({ graphId: 3, done: 2, running: 2, waiting: 1, failed: 1, etaSeconds: 95 }), progress({ graphId: 4 })] },
    });
    expect(text(body)).toContain('Graph #3 running ETA 1m 35s');
    expect(text(body)).toContain('2/6 done · 2 running · 1 waiting · 1 failed');
    expect(body).toMatch(/aria-valuemax="6"[^>]*aria-valuenow="3"/);
    // Before the first run ends there is no pace to estimate from.
    expect(text(body)).toContain('Graph #4 running ETA —');
    expect(text(body)).toContain('0/6 done · 0 running · 6 waiting · 0 failed');
  });

  it('a settled graph says how it ended, without an ETA, and can be dismissed', () => {
    const done = text(render(GraphProgress, { props: { graphs: [progress({ done: 6, waiting: 0, settled: true, etaSeconds: 0 })], onDismiss: () => {} } }).body);
    expect(done).toContain('Graph #1 done');
    expect(done).not.toContain('ETA');
    expect(render(GraphProgress, { props: { graphs: [progress({ done: 6, waiting: 0, settled: true })], onDismiss: () => {} } }).body).toContain('aria-label="Dismiss"');
    const failed = text(render(GraphProgress, { props: { graphs: [progress({ done: 5, failed: 1, waiting: 0, settled: true })] } }).body);
    expect(failed).toContain('ended with failures');
    const stopped = text(render(GraphProgress, { props: { graphs: [progress({ done: 2, waiting: 4, settled: true, stopped: true })] } }).body);
    expect(stopped).toContain('Graph #1 stopped');
    expect(stopped).toContain('2/6 done · 0 running · 4 waiting');
  });

  it('renders nothing without graphs', () => {
    expect(render(GraphProgress, { props: { graphs: [] } }).body).not.toContain('graph-progress');
  });
});
