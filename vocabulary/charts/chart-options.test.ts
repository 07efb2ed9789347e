import { describe, expect, it } from 'vitest';
import * as echarts from 'echarts';
import { buildChartOption, colorFor, DARK_THEME, LIGHT_THEME, lineNames, type ChartSpec, tooltipHtml } from './chart-options';

const spec = (over: Partial<ChartSpec> = {}): ChartSpec => ({
  title: 'Greedy accuracy',
  xLabel: 'step',
  percent: true,
  smoothing: 0,
  theme: LIGHT_THEME,
  lines: [
    { id: '1', name: 'headline p_cot=0.25', color: '#4e79a7', x: [0, 10, 20], y: [0.5, 0.52, 0.99] },
    { id: '2', name: 'control p_cot=0.5', color: '#f28e2b', x: [0, 10, 20], y: [0.5, 0.9, 1], band: { lower: [0.4, 0.8, 0.95], upper: [0.6, 0.95, 1] } },
  ],
  ...over,
});

function seriesOf(option: ReturnType<typeof buildChartOption>) {
  return option.series as { id: string; type: string; data: unknown[]; name?: string }[];
}

describe('buildChartOption', () => {
  it('has one main line per run, named in full', () => {
    const option = buildChartOption(spec());
    const mains = seriesOf(option).filter((s) => s.id.endsWith(':main'));
    expect(mains.map((s) => s.name)).toEqual(['headline p_cot=0.25', 'control p_cot=0.5']);
    expect(seriesOf(option).filter((s) => s.id.endsWith(':raw'))).toHaveLength(0);
  });

  it('draws the raw curve faded under the smoothed one when smoothing', () => {
    const series = seriesOf(buildChartOption(spec({ smoothing: 0.6 })));
    const raw = series.find((s) => s.id === '1:raw')!;
    const main = series.find((s) => s.id === '1:main')!;
    expect(raw.data).toEqual([[0, 0.5], [10, 0.52], [20, 0.99]]);
    expect((main.data[2] as number[])[1]).toBeLessThan(0.99);
  });

  it('adds the band, the phase marker, the threshold and overlays', () => {
    const option = buildChartOption(
      spec({ phaseBoundaries: [10], threshold: { y: 1 / 3, label: '1/3' }, overlays: [{ name: 'STaR 2p/(1+p)', points: [[10, 0.25], [11, 0.4]], color: '#000' }] }),
    );
    const series = seriesOf(option);
    expect(series.some((s) => s.id === '2:band' && s.type === 'custom')).toBe(true);
    const ref = series.find((s) => s.id === '__reference') as unknown as { markLine: { data: object[] } };
    expect(ref.markLine.data).toEqual([expect.objectContaining({ xAxis: 10 }), expect.objectContaining({ yAxis: 1 / 3 })]);
    const marked = seriesOf(buildChartOption(spec({ markX: 25 }))).find((s) => s.id === '__reference') as unknown as { markLine: { data: object[] } };
    expect(marked.markLine.data).toEqual([expect.objectContaining({ xAxis: 25 })]);
    expect(lineNames(spec({ overlays: [{ name: 'STaR', points: [], color: '#000' }] }))).toContain('STaR');
  });

  it('packs line data into one Float64Array that ECharts draws exactly as the pairs', () => {
    const lines = [{ id: '1', name: 'a', color: '#000', x: [0, 10, 20, 30], y: [0.5, Number.NaN, 0.2, 0.9] }];
    const packed = seriesOf(buildChartOption(spec({ lines, packed: true }))).find((s) => s.id === '1:main')! as unknown as { data: Float64Array; dimensions: string[] };
    expect(packed.data).toBeInstanceOf(Float64Array);
    expect([...packed.data]).toEqual([0, 0.5, 10, Number.NaN, 20, 0.2, 30, 0.9]);
    expect(packed.dimensions).toEqual(['x', 'y']);
    const svgOf = (option: ReturnType<typeof buildChartOption>) => {
      const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 480, height: 280 });
      chart.setOption(option);
      const svg = chart.renderToSVGString();
      chart.dispose();
      return [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]); // the geometry drawn
    };
    for (const over of [{}, { smoothing: 0.5 }, { logY: true, percent: false }]) {
      const pairs = svgOf(buildChartOption(spec({ lines, ...over })));
      expect(pairs.length).toBeGreaterThan(10);
      expect(svgOf(buildChartOption(spec({ lines, packed: true, ...over })))).toEqual(pairs);
    }
    // A gap (NaN) is no tooltip row.
    expect(tooltipHtml([{ seriesId: '1:main', seriesName: 'a', value: [10, Number.NaN], axisValue: 10 }], 'step', false)).not.toContain('tt-name');
  });

  it('renders to SVG on the server with every name in the legend', () => {
    const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 480, height: 280 });
    chart.setOption(buildChartOption(spec({ legend: true, smoothing: 0.5, phaseBoundaries: [10] })));
    const svg = chart.renderToSVGString();
    chart.dispose();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('headline p_cot=0.25');
    expect(svg).toContain('control p_cot=0.5');
    expect(svg).toContain('<path');
  });
});

describe('chart tools', () => {
  const spec = (over: Partial<import('./chart-options').ChartSpec> = {}) => ({
    title: 'Loss',
    xLabel: 'step',
    lines: [{ id: '1', name: 'a', color: '#000', x: [0, 1, 2], y: [1, 0, -0.5] }],
    smoothing: 0,
    theme: LIGHT_THEME,
    ...over,
  });

  it('zooms on x (wheel and box) with a reset only in the app, and leaves out non-positive values on a log axis', () => {
    const app = buildChartOption(spec({ interactive: true, logY: true }));
    expect(app.dataZoom).toEqual([{ type: 'inside', xAxisIndex: 0, filterMode: 'none', start: 0, end: 100 }]);
    expect(buildChartOption(spec({ interactive: true, zoom: [10, 20] })).dataZoom).toEqual([{ type: 'inside', xAxisIndex: 0, filterMode: 'none', startValue: 10, endValue: 20 }]);
    expect(Object.keys((app.toolbox as { feature: object }).feature)).toEqual(['dataZoom', 'restore']);
    expect((app.yAxis as { type: string }).type).toBe('log');
    expect((app.series as { id: string; data: unknown[] }[]).find((s) => s.id === '1:main')!.data).toEqual([[0, 1], [1, null], [2, null]]);
    const report = buildChartOption(spec());
    expect(report.dataZoom).toBeUndefined();
    expect(report.toolbox).toBeUndefined();
    expect((report.yAxis as { type: string }).type).toBe('value');
  });

  it('lists the lines nearest the pointer, sorted by value, and says how many are hidden', () => {
    const params = Array.from({ length: 40 }, (_, i) => ({ seriesId: `${i}:main`, seriesName: `run ${i}`, color: '#000', value: [5, i / 40], axisValue: 5 }));
    const near = tooltipHtml(params, 'step', false, 0.5125);
    const names = [...near.matchAll(/tt-name">([^<]+)/g)].map((m) => m[1]);
    expect(names).toHaveLength(12);
    // Runs 15..26 (values 0.375..0.65) are nearest 0.5125; shown highest first.
    expect(names[0]).toBe('run 26');
    expect(names[names.length - 1]).toBe('run 15');
    expect(near).toContain('28 more hidden');
    // Without a pointer value: the top values.
    expect(tooltipHtml(params, 'step', false)).toContain('tt-name">run 39<');
  });
});

describe('colorFor', () => {
  it('keeps the ten palette colours, then goes on with hues that never repeat', () => {
    for (const theme of [LIGHT_THEME, DARK_THEME]) {
      const colors = Array.from({ length: 60 }, (_, i) => colorFor(i, theme));
      expect(colors.slice(0, 10)).toEqual(theme.palette);
      expect(new Set(colors).size).toBe(60);
      for (const c of colors) expect(c).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it('shades a hue from darker to lighter across the seeds of a group', () => {
    const lum = (hex: string) => [1, 3, 5].reduce((s, i) => s + parseInt(hex.slice(i, i + 2), 16), 0);
    const shades = Array.from({ length: 5 }, (_, s) => colorFor(3, LIGHT_THEME, s, 5));
    expect(shades[2]).toBe(LIGHT_THEME.palette[3]);
    for (let s = 1; s < 5; s++) expect(lum(shades[s])).toBeGreaterThan(lum(shades[s - 1]));
    expect(shades[0]).not.toBe('#000000');
    expect(shades[4]).not.toBe('#ffffff');
  });
});
