import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyLike } from './keyboard';

const press = (key: string, target: object | null = null, mods: Partial<KeyLike> = {}): KeyLike => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target: target as EventTarget | null,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('work while a checkbox, radio, select or button has focus', () => {
    expect(shortcutFor(press('c', { tagName: 'INPUT', type: 'checkbox' }))).toBe('compare');
    expect(shortcutFor(press('r', { tagName: 'INPUT', type: 'radio' }))).toBe('runs');
    expect(shortcutFor(press('n', { tagName: 'SELECT' }))).toBe('new-run');
    expect(shortcutFor(press('/', { tagName: 'BUTTON' }))).toBe('search');
    expect(shortcutFor(press('a', { tagName: 'INPUT', type: 'checkbox' }, { ctrlKey: true }))).toBe('select-all');
  });

  it('stay out of the way while the user types', () => {
    for (const target of [{ tagName: 'INPUT', type: 'text' }, { tagName: 'INPUT', type: 'search' }, { tagName: 'INPUT', type: 'number' }, { tagName: 'TEXTAREA' }, { tagName: 'DIV', isContentEditable: true }]) {
      expect(shortcutFor(press('c', target))).toBeNull();
      expect(shortcutFor(press('a', target, { ctrlKey: true }))).toBeNull();
    }
    // An input without a type attribute is a text field.
    expect(shortcutFor(press('r', { tagName: 'INPUT' }))).toBeNull();
    expect(shortcutFor(press('Escape', { tagName: 'INPUT', type: 'text' }))).toBe('escape');
    expect(shortcutFor(press('c', null, { ctrlKey: true }))).toBeNull();
  });
});
