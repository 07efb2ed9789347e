// Run id lists in messages: consecutive ids collapse into ranges and the echo is capped, so an
// error about `--runs 1-5000000` is one line, not 44 MB.

/** `3-9, 12, 15` — at most `maxParts` ranges, then how many ids were left out. */
export function formatIdList(ids: readonly number[], maxParts = 8): string {
  const sorted = isAscending(ids) ? ids : [...ids].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (let i = 0; i < sorted.length; ) {
    // One range of consecutive (or repeated) ids.
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] - sorted[j] <= 1) j++;
    ranges.push([sorted[i], sorted[j]]);
    i = j + 1;
  }
  return formatIdRanges(ranges, maxParts);
}

/** Inclusive `[from, to]` ranges, in the order given, capped like formatIdList. */
export function formatIdRanges(ranges: readonly (readonly [number, number])[], maxParts = 8): string {
  const parts = ranges.slice(0, maxParts).map(([from, to]) => (from === to ? String(from) : `${from}-${to}`));
  const left = ranges.slice(maxParts).reduce((n, [from, to]) => n + to - from + 1, 0);
  return left > 0 ? `${parts.join(', ')} and ${left.toLocaleString('en')} more` : parts.join(', ');
}

function isAscending(ids: readonly number[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i] < ids[i - 1]) return false;
  return true;
}

