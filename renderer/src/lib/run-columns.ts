// The runs table's columns: which exist, their widths, and which the user chose to show.
import type { SortKey } from './run-query';

export interface RunColumn {
  id: string;
  key: SortKey | null;
  label: string;
  title?: string;
  num?: boolean;
  /** A CSS grid track. */
  width: string;
  /** Shown until the user chooses otherwise. */
  shown: boolean;
}

export const RUN_COLUMNS: RunColumn[] = [
  { id: 'id', key: 'id', label: '#', num: true, width: '62px', shown: true },
  { id: 'name', key: 'name', label: 'Name', width: 'minmax(200px, 2.2fr)', shown: true },
  { id: 'status', key: 'status', label: 'Status', width: '96px', shown: true },
  { id: 'task', key: 'task', label: 'Task', width: '96px', shown: true },
  { id: 'd', key: 'd', label: 'd', num: true, width: '42px', shown: true },
  { id: 'pCot', key: 'pCot', label: 'p_cot', num: true, width: '52px', shown: true },
  { id: 'algorithm', key: 'algorithm', label: 'RL', width: '80px', shown: true },
  { id: 'temperature', key: 'temperature', label: 'τ', title: 'RL temperature', num: true, width: '42px', shown: true },
  { id: 'seed', key: 'seed', label: 'Seed', num: true, width: '50px', shown: true },
  { id: 'backend', key: 'backend', label: 'Backend', width: '64px', shown: false },
  { id: 'progress', key: 'progress', label: 'Progress', width: 'minmax(110px, 1fr)', shown: true },
  { id: 'accuracy', key: 'accuracy', label: 'Greedy acc', title: 'Final greedy accuracy on held-out inputs', num: true, width: '100px', shown: true },
  { id: 'length', key: 'length', label: 'Len', title: 'Median greedy response length', num: true, width: '44px', shown: true },
  { id: 'created', key: 'created', label: 'Created', width: '120px', shown: true },
  { id: 'duration', key: 'duration', label: 'Duration', title: 'From start to finish', num: true, width: '76px', shown: true },
  { id: 'tags', key: null, label: 'Tags', width: 'minmax(90px, 1fr)', shown: true },
];

/** Name is always shown: a row without it cannot be told apart. */
export const REQUIRED_COLUMNS = new Set(['name']);

export function defaultColumnIds(): string[] {
  return RUN_COLUMNS.filter((c) => c.shown).map((c) => c.id);
}

/** The chosen columns in table order; unknown ids (from an older version) are dropped. */
export function visibleColumns(ids: readonly string[]): RunColumn[] {
  const want = new Set([...ids, ...REQUIRED_COLUMNS]);
  return RUN_COLUMNS.filter((c) => want.has(c.id));
}

/** A stored choice, or the default when there is none or it does not parse. */
export function parseColumnChoice(stored: string | null): string[] {
  if (!stored) return defaultColumnIds();
  try {
    const ids: unknown = JSON.parse(stored);
    if (Array.isArray(ids) && ids.every((x) => typeof x === 'string')) return visibleColumns(ids).map((c) => c.id);
  } catch {
    // fall through to the default
  }
  return defaultColumnIds();
}
