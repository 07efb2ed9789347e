import { describe, expect, it } from 'vitest';
import { defaultColumnIds, parseColumnChoice, visibleColumns } from './run-columns';

describe('run table columns', () => {
  it('show seed, created and duration by default', () => {
    expect(defaultColumnIds()).toEqual(expect.arrayContaining(['seed', 'created', 'duration']));
  });

  it('keep the table order and always the name, whatever the stored choice', () => {
    expect(visibleColumns(['duration', 'seed']).map((c) => c.id)).toEqual(['name', 'seed', 'duration']);
    expect(parseColumnChoice(JSON.stringify(['tags', 'gone', 'id']))).toEqual(['id', 'name', 'tags']);
    expect(parseColumnChoice('not json')).toEqual(defaultColumnIds());
    expect(parseColumnChoice(null)).toEqual(defaultColumnIds());
  });
});
