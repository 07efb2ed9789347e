import { describe, expect, it } from 'vitest';
import { KeyedMemo } from './memo';

describe('KeyedMemo', () => {
  it('rebuilds a key only when one of its inputs changed by identity', () => {
    const memo = new KeyedMemo<{ n: number }>();
    let builds = 0;
    const data = [1, 2, 3];
    const build = () => ({ n: ++builds });
    const first = memo.get('a', [data, 0.6], build);
    expect(memo.get('a', [data, 0.6], build)).toBe(first);
    expect(memo.get('b', [data, 0.6], build)).not.toBe(first);
    expect(builds).toBe(2);
    // An equal but new array is a change; so is another scalar or another number of inputs.
    expect(memo.get('a', [[1, 2, 3], 0.6], build).n).toBe(3);
    expect(memo.get('a', [[1, 2, 3], 0.9], build).n).toBe(4);
    const last = memo.get('a', [data], build);
    expect(last.n).toBe(5);
    memo.retain(['b']);
    expect(memo.get('a', [data], build)).not.toBe(last);
    expect(builds).toBe(6);
  });
});
