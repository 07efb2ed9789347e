// Single-key shortcuts (n, /, c, Esc, ...) that stay out of the way while the user types.
export type Shortcut = 'new-run' | 'search' | 'compare' | 'runs' | 'escape' | 'help' | 'select-all';

const KEYS: Record<string, Shortcut> = {
  n: 'new-run',
  '/': 'search',
  c: 'compare',
  r: 'runs',
  Escape: 'escape',
  '?': 'help',
};

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

// Inputs that take characters; a focused checkbox, radio, range or button does not.
const TEXT_INPUTS = new Set(['text', 'search', 'number', 'email', 'password', 'tel', 'url', 'date', 'datetime-local', 'month', 'time', 'week']);

/** Whether a key press goes into a text field (a focused checkbox or select takes no letters). */
function isTyping(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable === true || el.tagName === 'TEXTAREA') return true;
  return el.tagName === 'INPUT' && TEXT_INPUTS.has((el.type ?? 'text').toLowerCase());
}

export function shortcutFor(e: KeyLike): Shortcut | null {
  if (e.key === 'Escape') return 'escape';
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a' && !isTyping(e.target)) return 'select-all';
  if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return null;
  return KEYS[e.key] ?? null;
}

export const SHORTCUT_HELP: [string, string][] = [
  ['n', 'New run'],
  ['/', 'Search runs'],
  ['c', 'Compare selected runs'],
  ['r', 'Runs table (focused, for the arrow keys)'],
  ['↑ ↓ / j k', 'Move in the runs table'],
  ['Space', 'Select the run under the cursor'],
  ['Enter', 'Open the run under the cursor'],
  ['Ctrl+A', 'Select all listed runs'],
  ['Esc', 'Clear selection / close'],
  ['?', 'Show shortcuts'],
];
