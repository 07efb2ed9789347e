import { describe, expect, it } from 'vitest';
import { readCompareState, writeCompareState, type CompareUrlState } from './compare-url';

describe('compare state in the URL', () => {
  it('round-trips every control, zoom included', () => {
    const state: CompareUrlState = {
      keys: ['eval/greedy_accuracy', 'loss'],
      smoothing: 0.3,
      x: 'samples',
      groupSeeds: true,
      band: 'std',
      showThreshold: false,
      showStar: true,
      hidden: ['3', 'g:abc'],
      atStep: 120,
      zoom: [100, 250.5],
      logKeys: ['loss'],
    };
    const params = new URLSearchParams();
    writeCompareState(state, params);
    expect(readCompareState(new URLSearchParams(params.toString()))).toEqual(state);
  });

  it('names no state for a plain ids link, and falls back per field on nonsense', () => {
    expect(readCompareState(new URLSearchParams('ids=1,2'))).toBeNull();
    const s = readCompareState(new URLSearchParams('keys=loss&smooth=7&x=nope&group=x&zoom=5,1&at=abc'))!;
    expect(s).toMatchObject({ keys: ['loss'], smoothing: 0.6, x: 'step', groupSeeds: false, zoom: null, atStep: null });
  });
});
