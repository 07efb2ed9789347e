// The WebGPU backend on a real Vulkan device: in CI that is Mesa's lavapipe (installed by .ci/run
// from bookworm-backports). Each backend runs in a child process of its own (a process holds one).
import { describe, expect, it } from 'vitest';
import { runBackendTrialInChild, type BackendTrialOptions } from './backend-trial';
import { probeWebgpuAdapter } from './webgpu-probe';
import { describeAdapter, NO_ADAPTER_NOTE } from './webgpu-adapter';

const found = await probeWebgpuAdapter();
const software = found.adapter?.software === true;
if (!found.adapter) console.log(`webgpu tests skipped: ${found.note}`);

describe('describeAdapter', () => {
  it('tells software devices from GPUs', () => {
    const lavapipe = describeAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7', isFallbackAdapter: true });
    expect(lavapipe).toMatchObject({ vendor: 'mesa', device: 'llvmpipe-llvm-15', driver: 'llvmpipe: Mesa 25.0.7', software: true });
    // a driver that does not flag itself as a fallback is still caught by its name
    expect(describeAdapter({ vendor: 'google', architecture: '', device: '', description: 'SwiftShader Device (Subzero)' }).software).toBe(true);
    const nvidia = describeAdapter({ vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA: 550.54.15', isFallbackAdapter: false });
    expect(nvidia).toMatchObject({ device: 'hopper', software: false });
  });
});

describe.runIf(found.adapter)('webgpu backend on this machine\'s adapter', () => {
  const tiny: BackendTrialOptions = { backend: 'webgpu', size: 'tiny', ntpSteps: 4, rlSteps: 0, warmup: 0, seed: 3 };

  it('trains the production NTP step with the same losses as WASM (same config and seed, within 1e-4)', async () => {
    const [gpu, wasm] = await Promise.all([runBackendTrialInChild(tiny), runBackendTrialInChild({ ...tiny, backend: 'wasm' })]);
    expect(gpu.error).toBeUndefined();
    expect(gpu.backend?.name).toBe('webgpu');
    expect(gpu.backend?.adapter).toEqual(found.adapter);
    // the adapter is in the version string a run records
    expect(gpu.backend?.version).toContain(found.adapter!.driver);
    expect(wasm.backend?.name).toBe('wasm');
    expect(gpu.ntpLosses).toHaveLength(4);
    gpu.ntpLosses.forEach((loss, i) => expect(Math.abs(loss - wasm.ntpLosses[i])).toBeLessThan(1e-4));
    // and it learns: the loss falls over the four steps
    expect(gpu.ntpLosses[3]).toBeLessThan(gpu.ntpLosses[0]);
  });

  it.runIf(software)('auto never picks a software adapter, and says why', async () => {
    const auto = await runBackendTrialInChild({ ...tiny, backend: 'auto', ntpSteps: 1 });
    expect(auto.backend?.name).not.toBe('webgpu');
    expect(auto.backend?.note).toMatch(/webgpu unavailable: .*software.*backend 'webgpu' named/);
  });
});

describe.runIf(found.version)('without a Vulkan device', () => {
  it('backend webgpu fails with a note that says what to install', async () => {
    // No ICD file: the Vulkan loader finds no driver, as on a machine without one.
    const prev = process.env.VK_ICD_FILENAMES;
    process.env.VK_ICD_FILENAMES = '/nonexistent/no-icd.json';
    try {
      const none = await probeWebgpuAdapter({ fresh: true });
      expect(none.adapter).toBeNull();
      expect(none.note).toBe(NO_ADAPTER_NOTE);
      const r = await runBackendTrialInChild({ backend: 'webgpu', size: 'tiny', ntpSteps: 1, rlSteps: 0, warmup: 0, seed: 0 });
      expect(r.backend).toBeNull();
      expect(r.error).toBe(`backend 'webgpu' cannot run: ${NO_ADAPTER_NOTE}`);
    } finally {
      if (prev === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = prev;
    }
  });
});
