// The WebGPU adapter Dawn (the `webgpu` npm package) finds, without TensorFlow.js.
//
// Dawn reaches GPUs through Vulkan: the loader (libvulkan1) plus a driver's ICD file (NVIDIA's,
// or Mesa's). Mesa's lavapipe is a software Vulkan device on the CPU; on CPUs it is slower than
// our WASM path, so it counts as an adapter only when a caller allows software ones.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a run records about the device its WebGPU backend ran on. */
export interface WebgpuAdapter {
  vendor: string;
  /** The device name Dawn reports (e.g. `llvmpipe-llvm-15-0-6-256-bits-`), else its architecture. */
  device: string;
  architecture: string;
  /** The driver's description line (e.g. `llvmpipe: Mesa 25.0.7 (LLVM 15.0.6)`). */
  driver: string;
  /** A CPU implementation (lavapipe/llvmpipe, SwiftShader, WARP) rather than a GPU. */
  software: boolean;
}

/** The fields of GPUAdapterInfo we read (Dawn fills them; any may be empty). */
export interface RawAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader|softpipe|\bwarp\b|microsoft basic render/i;

export function describeAdapter(raw: RawAdapterInfo): WebgpuAdapter {
  const vendor = raw.vendor?.trim() ?? '';
  const architecture = raw.architecture?.trim() ?? '';
  const device = raw.device?.trim() || architecture;
  const driver = raw.description?.trim() ?? '';
  // Dawn sets isFallbackAdapter for CPU devices; the names catch drivers that do not say so.
  const software = raw.isFallbackAdapter === true || architecture === 'software' || SOFTWARE_NAMES.test(`${vendor} ${device} ${driver}`);
  return { vendor, device, architecture, driver, software };
}

/** One line for notes, summaries and the run's backend_version: vendor, device, driver, kind. */
export function adapterLabel(a: WebgpuAdapter): string {
  const name = [a.vendor, a.device].filter(Boolean).join(' ') || 'unnamed adapter';
  return `${name} (${a.software ? 'software' : 'hardware'}${a.driver ? `; ${a.driver}` : ''})`;
}

/** Why there is no adapter, with what to install: the same sentence for the trainer and the probe. */
export const NO_ADAPTER_NOTE =
  'Dawn found no WebGPU adapter: no Vulkan device (install libvulkan1 and a Vulkan driver: the NVIDIA driver with its ICD, or mesa-vulkan-drivers >= 25 for the software device lavapipe)';

export function softwareOnlyNote(a: WebgpuAdapter): string {
  return `the only WebGPU adapter is a software one, ${adapterLabel(a)}: slower than WASM on CPUs, so it runs only with backend 'webgpu' named in the config`;
}

/**
 * Dawn warns when XDG_RUNTIME_DIR is unset (as under CI and services); a private temporary folder
 * keeps it quiet. Called before the `webgpu` module loads.
 */
export function ensureXdgRuntimeDir(env: NodeJS.ProcessEnv = process.env): void {
  if (env.XDG_RUNTIME_DIR) return;
  const dir = path.join(os.tmpdir(), `workbench-xdg-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  env.XDG_RUNTIME_DIR = dir;
}

/**
 * A child-process script that prints the adapter Dawn finds as one JSON line (`{"adapter": raw}`
 * or `{"adapter": null}`), so the service can probe WebGPU without loading Dawn or TF.js itself.
 * `moduleUrl` is the file URL of the `webgpu` package's entry, resolved by the caller.
 */
export function adapterProbeScript(moduleUrl: string): string {
  return `
const { create } = await import(${JSON.stringify(moduleUrl)});
const gpu = create([]);
const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
const i = a ? a.info : null;
process.stdout.write(JSON.stringify({ adapter: i && { vendor: i.vendor, architecture: i.architecture, device: i.device,
  description: i.description, isFallbackAdapter: i.isFallbackAdapter } }) + '\\n');
process.exit(0);
`;
}
