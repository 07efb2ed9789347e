// Which WebGPU adapter this machine has, asked of Dawn in a short child process: the caller (the
// service, a test, a benchmark) loads neither Dawn nor TF.js, and a driver that crashes takes
// only the child down.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { adapterLabel, adapterProbeScript, describeAdapter, ensureXdgRuntimeDir, NO_ADAPTER_NOTE, type RawAdapterInfo, type WebgpuAdapter } from './webgpu-adapter';

export interface WebgpuProbe {
  /** The `webgpu` package's version, null where the optional package is not installed. */
  version: string | null;
  adapter: WebgpuAdapter | null;
  /** One line: the adapter found, or why there is none. */
  note: string;
}

let cached: Promise<WebgpuProbe> | null = null;

/** Probed once per process unless `fresh` (a test that changes the Vulkan environment). */
export function probeWebgpuAdapter(opts: { fresh?: boolean } = {}): Promise<WebgpuProbe> {
  if (opts.fresh) return probe();
  cached ??= probe();
  return cached;
}

async function probe(): Promise<WebgpuProbe> {
  const require = createRequire(import.meta.url);
  let entry: string;
  let version: string;
  try {
    const manifest = require.resolve('webgpu/package.json');
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string; main?: string };
    version = pkg.version;
    entry = new URL(pkg.main ?? 'index.js', pathToFileURL(manifest)).href;
  } catch {
    return { version: null, adapter: null, note: "the optional package 'webgpu' (Dawn) is not installed" };
  }
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' };
  ensureXdgRuntimeDir(env);
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', adapterProbeScript(entry)], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const raw = (JSON.parse(line) as { adapter: RawAdapterInfo | null }).adapter;
        if (!raw) return resolve({ version, adapter: null, note: NO_ADAPTER_NOTE });
        const adapter = describeAdapter(raw);
        resolve({ version, adapter, note: `WebGPU adapter: ${adapterLabel(adapter)}` });
      } catch {
        const why = stderr.trim().split('\n').filter((l) => !l.startsWith('Warning:')).at(-1) ?? err?.message ?? 'no output';
        resolve({ version, adapter: null, note: `the WebGPU probe failed: ${why}` });
      }
    });
  });
}
