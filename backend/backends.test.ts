import { describe, expect, it } from 'vitest';
import { probeBackends } from './backends';
import { probeWebgpuAdapter } from '../trainer/compute/webgpu-probe';

const webgpu = await probeWebgpuAdapter();

describe('probeBackends', () => {
  it("lists WebGPU in the trainer's order with its adapter, and never offers a software adapter as auto's choice", async () => {
    const list = await probeBackends();
    expect(list.map((b) => b.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
    const entry = list.find((b) => b.name === 'webgpu')!;
    expect(entry.version).toBe(webgpu.version);
    if (!webgpu.adapter) {
      console.log(`no WebGPU adapter here: ${webgpu.note}`);
      expect(entry).toMatchObject({ available: false, note: webgpu.note });
    } else {
      expect(entry.note).toContain(webgpu.adapter.driver);
      expect(entry.available).toBe(!webgpu.adapter.software);
      if (webgpu.adapter.software) expect(entry.note).toMatch(/not chosen by auto/);
    }
  });
});
