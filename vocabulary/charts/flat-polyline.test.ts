import { describe, expect, it } from 'vitest';
import * as echarts from 'echarts';
import { FLAT_POLYLINE, flatPoints, tracePoints, type PixelMap } from './flat-polyline';

const scale: PixelMap = (x, y, out) => {
  out[0] = 10 * x;
  out[1] = 100 - 10 * y;
};

describe('flat polyline', () => {
  it('maps points to pixels rounded to 0.1 px, flat', () => {
    expect(flatPoints([0, 1, 2], [0, 0.123, 5], 0, 3, scale)).toEqual([0, 100, 10, 98.8, 20, 50]);
  });

  it('takes only the range asked for', () => {
    expect(flatPoints([0, 1, 2, 3], [1, 2, 3, 4], 1, 3, scale)).toEqual([10, 80, 20, 70]);
  });

  it('skips points within ~0.7 px of the last kept one, but never the last point', () => {
    const x = [0, 0.01, 0.02, 0.03, 5];
    expect(flatPoints(x, [0, 0, 0, 0, 0], 0, 5, scale)).toEqual([0, 100, 50, 100]);
    // The last point is kept even when it is within the threshold.
    expect(flatPoints([0, 0.01], [0, 0], 0, 2, scale)).toEqual([0, 100, 0.1, 100]);
  });

  it('traces moveTo then lineTo per point', () => {
    const calls: string[] = [];
    const ctx = { moveTo: (x: number, y: number) => calls.push(`M${x},${y}`), lineTo: (x: number, y: number) => calls.push(`L${x},${y}`) };
    tracePoints(ctx, [1, 2, 3, 4, 5, 6]);
    expect(calls).toEqual(['M1,2', 'L3,4', 'L5,6']);
    calls.length = 0;
    tracePoints(ctx, [1, 2]);
    expect(calls).toEqual([]);
  });

  it('is drawn by a custom series as a stroked, unfilled path', () => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 200, height: 100 });
    chart.setOption({
      animation: false,
      xAxis: { show: false, min: 0, max: 10 },
      yAxis: { show: false, min: 0, max: 10 },
      grid: { left: 0, right: 0, top: 0, bottom: 0 },
      series: [{ type: 'custom', data: [[0, 0]], renderItem: () => ({ type: FLAT_POLYLINE, shape: { points: [0, 0, 50, 20, 100, 10] }, style: { stroke: '#ff0000', fill: null, lineWidth: 1 } }) }],
    });
    const svg = chart.renderToSVGString();
    chart.dispose();
    expect(svg).toMatch(/<path d="M0 0L50 20L100 10"[^>]*fill="none"[^>]*stroke="#ff0000"/);
  });
});
