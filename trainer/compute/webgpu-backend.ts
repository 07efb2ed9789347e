// TF.js's WebGPU backend on Dawn (the `webgpu` npm package): no libtensorflow, any Vulkan GPU.
//
// We register the 'webgpu' backend ourselves instead of taking the module's own registration,
// for three reasons: the adapter is the one we checked (hardware unless software is allowed),
// the device gets the adapter's storage-buffer limit (the default of 8 per shader stage is what
// TF.js would otherwise get), and a GPU validation error fails the run instead of silently
// yielding zeros.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { adapterLabel, describeAdapter, ensureXdgRuntimeDir, NO_ADAPTER_NOTE, softwareOnlyNote, type RawAdapterInfo, type WebgpuAdapter } from './webgpu-adapter';

interface DawnDevice {
  limits: Record<string, number>;
  addEventListener(type: 'uncapturederror', listener: (ev: { error?: { message?: string } }) => void): void;
}
interface DawnAdapter {
  info: RawAdapterInfo;
  limits: Record<string, number>;
  requestDevice(descriptor: { requiredLimits: Record<string, number> }): Promise<DawnDevice>;
}
interface DawnModule {
  create(flags: string[]): { requestAdapter(options: { powerPreference: 'high-performance' }): Promise<DawnAdapter | null> };
  globals: Record<string, unknown>;
}

/** Limits TF.js's own registration requests, plus the one it forgets (storage buffers per stage). */
const LIMITS = [
  'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize',
  'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage',
] as const;

export interface WebgpuBackendInfo {
  adapter: WebgpuAdapter;
  /** tfjs-backend-webgpu's version and Dawn's (the `webgpu` package's). */
  version: string;
}

/**
 * Load Dawn, pick its adapter, and make 'webgpu' TF.js's active backend. Throws a one-line reason
 * (package missing, no adapter, software adapter not allowed) and leaves TF.js untouched then.
 */
export async function activateWebgpu(allowSoftware: boolean): Promise<WebgpuBackendInfo> {
  ensureXdgRuntimeDir();
  let dawn: DawnModule;
  try {
    // A variable specifier: `webgpu` is an optionalDependency and may be absent.
    dawn = (await import(/* @vite-ignore */ 'webgpu' as string)) as DawnModule;
  } catch (err) {
    throw new Error(`the optional package 'webgpu' (Dawn) does not load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  // TF.js reads WebGPU's constants (GPUBufferUsage, ...) as globals and the GPU from navigator.gpu.
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) Object.defineProperty(globalThis, k, { value: v, configurable: true, writable: true });
  const gpu = dawn.create([]);
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: Object.assign(nav, { gpu }), configurable: true, writable: true });

  const raw = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!raw) throw new Error(NO_ADAPTER_NOTE);
  const adapter = describeAdapter(raw.info);
  if (adapter.software && !allowSoftware) throw new Error(softwareOnlyNote(adapter));

  const requiredLimits: Record<string, number> = {};
  for (const k of LIMITS) if (typeof raw.limits[k] === 'number') requiredLimits[k] = raw.limits[k];
  const device = await raw.requestDevice({ requiredLimits });
  device.addEventListener('uncapturederror', (ev) => {
    // Thrown outside the promise chain on purpose: the trainer's uncaught-error handler marks the
    // run failed with this message; carrying on would train on a kernel that never ran.
    const message = ev.error?.message?.split('\n')[0] ?? 'unknown error';
    setImmediate(() => {
      throw new Error(`WebGPU validation error on ${adapterLabel(adapter)}: ${message}`);
    });
  });

  const webgpu = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  type DeviceArg = ConstructorParameters<typeof webgpu.WebGPUBackend>[0];
  type InfoArg = ConstructorParameters<typeof webgpu.WebGPUBackend>[1];
  tf.registerBackend('webgpu', () => new webgpu.WebGPUBackend(device as unknown as DeviceArg, raw.info as unknown as InfoArg), 3);
  const ok = await tf.setBackend('webgpu');
  await tf.ready();
  if (!ok || tf.getBackend() !== 'webgpu') throw new Error(`tf.setBackend('webgpu') failed on ${adapterLabel(adapter)}`);
  installChunkedAddN(device.limits.maxStorageBuffersPerShaderStage - 1);
  return { adapter, version: `${packageVersion('@tensorflow/tfjs-backend-webgpu')}, Dawn ${packageVersion('webgpu')}` };
}

/**
 * TF.js's WebGPU AddN binds every input as a storage buffer, so a sum of more tensors than the
 * per-stage limit (the global gradient norm sums 21) fails validation. Sum in chunks instead.
 */
function installChunkedAddN(maxInputs: number): void {
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original || maxInputs < 2) return;
  const addN = original.kernelFunc;
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({
    kernelName: 'AddN',
    backendName: 'webgpu',
    kernelFunc: (args) => {
      const backend = args.backend as { disposeData(id: object): void };
      const sum = (inputs: tf.TensorInfo[]): tf.TensorInfo => {
        if (inputs.length <= maxInputs) return addN({ ...args, inputs: inputs as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo;
        const partials: tf.TensorInfo[] = [];
        for (let i = 0; i < inputs.length; i += maxInputs) partials.push(sum(inputs.slice(i, i + maxInputs)));
        const out = sum(partials);
        for (const p of partials) backend.disposeData(p.dataId);
        return out;
      };
      return sum(args.inputs as unknown as tf.TensorInfo[]);
    },
  });
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
