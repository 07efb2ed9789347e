// Window of rows to render for a fixed-row-height virtualized list.

export interface VisibleRange {
  start: number;
  end: number;
  /** Pixels above the first rendered row (spacer height). */
  offset: number;
  /** Total scrollable height. */
  total: number;
}

export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 8): VisibleRange {
  const total = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const start = Math.max(0, Math.min(count - 1, first) - overscan);
  const end = Math.min(count, first + Math.ceil(Math.max(viewport, 0) / rowHeight) + overscan + 1);
  return { start, end, offset: start * rowHeight, total };
}

/** scrollTop that brings row `index` into view, or null when it is already visible. */
export function scrollToRow(index: number, scrollTop: number, viewport: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return top + rowHeight - viewport;
  return null;
}
