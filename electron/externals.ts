// The packages the Electron main and trainer bundles leave to node_modules instead of bundling:
// native or self-locating packages that load their own binaries (.node, .wasm) relative to their
// folders. One list for the build (vite.main.config.ts, scripts/build-electron.ts) and for
// packaging (forge.config.ts copies them, with everything they depend on, into the app).
import fs from 'node:fs';
import path from 'node:path';

/** Direct dependencies of package.json; the optional ones may be absent (the trainer falls back to WASM). */
export const EXTERNAL_PACKAGES = [
  'better-sqlite3',
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  // Dawn's binary (dist/<platform>/dawn.node) behind the WebGPU backend; optional.
  'webgpu',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
] as const;


/**
 * Folders beside node_modules that the packaged app loads at run time: better-sqlite3's Electron-ABI
 * build (db/native.ts) and the optional native GEMM addon (N-API, the same binary as Node's;
 * trainer/compute/native-gemm.ts). Absent ones are skipped.
 */
export const EXTRA_APP_FOLDERS = ['.electron-native', 'native/build/Release'] as const;

/**
 * Rollup's `external` (an array, so Forge's and our build's own entries merge with it): each
 * listed package and the files inside it, and all of @tensorflow/ — TF.js keeps one kernel
 * registry per copy of tfjs-core, so none of its packages may be bundled beside the external one.
 */
export const EXTERNAL_PATTERNS: readonly (string | RegExp)[] = [
  ...EXTERNAL_PACKAGES,
  ...EXTERNAL_PACKAGES.map((pkg) => new RegExp(`^${pkg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/`)),
  /^@tensorflow\//,
];

export function isExternal(id: string): boolean {
  return EXTERNAL_PATTERNS.some((p) => (typeof p === 'string' ? p === id : p.test(id)));
}

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * The externals and everything they depend on, as folders under `nodeModules` (hoisted layout,
 * as npm installs it). Optional dependencies that are not installed are skipped.
 */
export function externalClosure(nodeModules: string, roots: readonly string[] = EXTERNAL_PACKAGES): string[] {
  const found = new Set<string>();
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop()!;
    // Type packages are listed as dependencies by some (tfjs-core) but never loaded.
    if (found.has(name) || name.startsWith('@types/')) continue;
    const manifest = path.join(nodeModules, name, 'package.json');
    if (!fs.existsSync(manifest)) continue; // an optional package this machine could not install
    found.add(name);
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as PackageJson;
    pending.push(...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}));
  }
  return [...found].sort();
}

/** Copies the externals' closure and the extra folders from the project into a packaged app folder. */
export function copyExternals(projectDir: string, appDir: string, roots: readonly string[] = EXTERNAL_PACKAGES): string[] {
  const copied: string[] = [];
  for (const name of externalClosure(path.join(projectDir, 'node_modules'), roots)) {
    fs.cpSync(path.join(projectDir, 'node_modules', name), path.join(appDir, 'node_modules', name), { recursive: true, dereference: true });
    copied.push(`node_modules/${name}`);
  }
  for (const folder of EXTRA_APP_FOLDERS) {
    const from = path.join(projectDir, folder);
    if (!fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(appDir, folder), { recursive: true, dereference: true });
    copied.push(folder);
  }
  return copied;
}
