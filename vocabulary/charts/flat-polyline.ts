// A polyline whose points are one flat array [x0, y0, x1, y1, ...]. The bundle draws 100+ lines
// per chart: zrender's own polyline wants a [x, y] array per point, and ECharts deep-copies every
// one of them on each redraw (custom series update). A flat array is built and copied in one go.
import { graphic } from 'echarts';

/** The name custom series' renderItem uses for it (registered with ECharts on import). */
export const FLAT_POLYLINE = 'flatPolyline';

interface FlatShape {
  points: ArrayLike<number> | null;
}

/** Strokes the points in order: moveTo the first, lineTo the rest. */
export function tracePoints(ctx: { moveTo(x: number, y: number): void; lineTo(x: number, y: number): void }, points: ArrayLike<number>): void {
  if (points.length < 4) return;
  ctx.moveTo(points[0], points[1]);
  for (let i = 2; i + 1 < points.length; i += 2) ctx.lineTo(points[i], points[i + 1]);
}

const FlatPolyline = graphic.extendShape({
  type: FLAT_POLYLINE,
  shape: { points: null } as FlatShape,
  // A stroke, never a fill (zrender's Path fills black by default).
  getDefaultStyle: () => ({ stroke: '#000', fill: null }),
  buildPath: (ctx: CanvasRenderingContext2D, shape: FlatShape) => {
    if (shape.points) tracePoints(ctx, shape.points);
  },
} as Parameters<typeof graphic.extendShape>[0]);
graphic.registerShape(FLAT_POLYLINE, FlatPolyline as unknown as Parameters<typeof graphic.registerShape>[1]);

/** Data to pixels, written into `out` (no array per point). */
export type PixelMap = (x: number, y: number, out: [number, number]) => void;

/**
 * Pixel points [x0, y0, ...] of points start..end-1 of a line, to 0.1 px (the SVG writer writes
 * every digit it is given). A point within ~0.7 px of the last one kept is skipped, as ECharts'
 * line series does; the last point is always kept.
 */
export function flatPoints(x: readonly number[], y: readonly number[], start: number, end: number, toPixel: PixelMap): number[] {
  const out: number[] = [];
  const p: [number, number] = [0, 0];
  let lx = 0;
  let ly = 0;
  for (let i = start; i < end; i++) {
    toPixel(x[i], y[i], p);
    const [px, py] = p;
    if (out.length > 0 && i < end - 1 && (px - lx) ** 2 + (py - ly) ** 2 < 0.5) continue;
    lx = px;
    ly = py;
    out.push(Math.round(px * 10) / 10, Math.round(py * 10) / 10);
  }
  return out;
}
