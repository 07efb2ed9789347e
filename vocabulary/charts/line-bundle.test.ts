import { describe, expect, it } from 'vitest';
import * as echarts from 'echarts';
import { buildChartOption, LIGHT_THEME, type ChartLine, type ChartSpec } from './chart-options';
import { bundleData, segments, valuesAt, type BundledLine } from './line-bundle';

const line = (id: string, x: number[], y: number[]): BundledLine => ({ id, name: `run ${id}`, color: '#123456', x, y, width: 1 });

describe('line bundle', () => {
  it('splits a line at gaps and, on a log axis, at values it cannot place', () => {
    expect(segments([1, 2, Number.NaN, 3, 4, 5], false)).toEqual([[0, 2], [3, 6]]);
    expect(segments([1, 0, 2, -1, 3], true)).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(segments([Number.NaN], false)).toEqual([]);
  });

  it('gives the axes the extent of every line with as few items as its longest line', () => {
    const data = bundleData([line('a', [0, 10, 20], [0.5, 0.2, 0.9]), line('b', [5, 30], [1.5, Number.NaN])], false);
    expect(data).toEqual([[0, 0.2, 1.5], [5, 0.2, 1.5], [10, 0.2, 1.5], [20, 0.2, 1.5], [30, 0.2, 1.5]]);
  });

  it("lists each line's value nearest the pointer, only where the line reaches", () => {
    const rows = valuesAt([line('a', [0, 10, 20], [0.5, 0.6, 0.7]), line('b', [0, 4, 8], [1, 2, 3])], 7, false);
    expect(rows).toEqual([
      { seriesId: 'a:main', seriesName: 'run a', color: '#123456', value: [10, 0.6] },
      { seriesId: 'b:main', seriesName: 'run b', color: '#123456', value: [8, 3] },
    ]);
    expect(valuesAt([line('b', [0, 4, 8], [1, 2, 3])], 9, false)).toEqual([]);
  });
});

describe('many lines in one series', () => {
  const lines: ChartLine[] = Array.from({ length: 20 }, (_, i) => ({
    id: String(i),
    name: `run ${i}`,
    color: `#0000${(i * 10).toString(16).padStart(2, '0')}`,
    x: [0, 10, 20, 30],
    y: [0.1 + i / 40, 0.3, i === 3 ? Number.NaN : 0.5, 0.9 - i / 40],
  }));
  const spec = (over: Partial<ChartSpec> = {}): ChartSpec => ({ title: 'Accuracy', xLabel: 'step', percent: true, smoothing: 0, theme: LIGHT_THEME, lines, ...over });
  const svgOf = (option: ReturnType<typeof buildChartOption>) => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 480, height: 280 });
    chart.setOption(option);
    const svg = chart.renderToSVGString();
    chart.dispose();
    return svg;
  };
  // The coordinates of every stroked line in the SVG, per colour, as the reader's eye sees them.
  // A line series writes a <path d="M x y L ...">, the bundle a <polyline points="x y ...">.
  const strokes = (svg: string) =>
    [...svg.matchAll(/<(?:path d="M|polyline points=")([^"]+)"[^>]*stroke="(#0000[0-9a-f]{2})"/g)]
      .map((m) => ({ color: m[2], xy: m[1].replace(/[ML]/g, ' ').trim().split(/\s+/).map(Number) }))
      .sort((a, b) => a.color.localeCompare(b.color) || a.xy[0] - b.xy[0]);

  it('draws what one series per line draws, gaps, smoothing and a log axis included', () => {
    for (const over of [{}, { smoothing: 0.5 }, { logY: true, percent: false }]) {
      const apart = strokes(svgOf(buildChartOption(spec(over))));
      expect(apart.length).toBeGreaterThanOrEqual(20);
      const bundled = buildChartOption(spec({ ...over, packed: true }));
      expect((bundled.series as { type: string }[]).filter((s) => s.type === 'line')).toHaveLength(0);
      const got = strokes(svgOf(bundled));
      expect(got.map((s) => s.color)).toEqual(apart.map((s) => s.color));
      // Both round to about 0.1 px.
      got.forEach((s, i) => s.xy.forEach((v, j) => expect(Math.abs(v - apart[i].xy[j])).toBeLessThan(0.11)));
    }
  });

  it('draws every seed band, as one series', () => {
    const banded = lines.map((l) => ({ ...l, y: l.y.map((v) => (Number.isFinite(v) ? v : 0.4)), band: { lower: l.y.map(() => 0.05), upper: l.y.map(() => 0.95) } }));
    const polygons = (svg: string) => [...svg.matchAll(/<(?:polygon|path)[^>]*?(?:points|d)="([^"]+)"[^>]*fill="(#0000[0-9a-f]{2})"/g)].map((m) => `${m[2]} ${m[1]}`).sort();
    const apart = polygons(svgOf(buildChartOption(spec({ lines: banded }))));
    expect(apart).toHaveLength(20);
    const bundled = buildChartOption(spec({ lines: banded, packed: true }));
    expect((bundled.series as { id: string }[]).filter((s) => s.id.endsWith(':band'))).toHaveLength(0);
    expect(polygons(svgOf(bundled))).toEqual(apart);
  });

  it('lists the bundled lines in the axis tooltip', () => {
    const option = buildChartOption(spec({ packed: true }));
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const html = formatter([{ seriesId: 'lines:bundle', axisValue: 10, value: [10, 0, 1] }]);
    expect(html).toContain('step 10');
    expect(html).toContain('tt-name">run 0<');
    expect(html).not.toContain('undefined');
  });
});
