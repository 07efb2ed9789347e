// A <details> drop-down that behaves like a menu: Esc, a click outside it, or a choice closes it.
import type { Action } from 'svelte/action';

export const menu: Action<HTMLDetailsElement> = (details) => {
  const close = () => (details.open = false);
  const onPointerDown = (e: PointerEvent) => {
    if (details.open && !details.contains(e.target as Node)) close();
  };
  const onKeydown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !details.open) return;
    close();
    details.querySelector('summary')?.focus();
    e.stopPropagation();
  };
  // A choice: a button or an input inside the drop-down (not the summary that toggles it).
  const onChoice = (e: Event) => {
    const target = e.target as HTMLElement;
    if (target.closest('summary')) return;
    if (target.closest('button, input')) queueMicrotask(close);
  };
  document.addEventListener('pointerdown', onPointerDown, true);
  details.addEventListener('keydown', onKeydown);
  details.addEventListener('click', onChoice);
  return {
    destroy() {
      document.removeEventListener('pointerdown', onPointerDown, true);
      details.removeEventListener('keydown', onKeydown);
      details.removeEventListener('click', onChoice);
    },
  };
};
