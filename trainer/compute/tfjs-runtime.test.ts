import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { currentBackend, initBackend } from './tfjs-runtime';

// tfjs-node and tfjs-node-gpu are optionalDependencies that cannot install on this machine.
const nativeMissing = await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string).then(() => false, () => true);

describe('initBackend', () => {
  it.runIf(nativeMissing)('names the package when a requested native backend cannot load', async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(/backend 'tensorflow' cannot load: @tensorflow\/tfjs-node: /);
    await expect(initBackend('tensorflow-gpu')).rejects.toThrow(/@tensorflow\/tfjs-node-gpu/);
    expect(currentBackend()).toBeNull();
  });

  it('auto falls through to the best backend that loads, says why, and is idempotent', async () => {
    const info = await initBackend('auto');
    if (nativeMissing) {
      expect(info.name).toBe('wasm');
      expect(info.note).toMatch(/^wasm .*tensorflow-gpu unavailable: .*tensorflow unavailable: /);
      expect(info.threads).toBe(1);
    }
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(tf.getBackend()).toBe(info.name === 'tensorflow-gpu' ? 'tensorflow' : info.name);
    expect(await initBackend('auto')).toBe(info);
    expect(await initBackend(info.name)).toBe(info);
    await expect(initBackend(info.name === 'cpu' ? 'wasm' : 'cpu')).rejects.toThrow(/already initialised/);
  });
});
