// The one list of packages the Electron bundles leave external, checked against package.json,
// against what the main and trainer sources load, and by copying a small project the way
// packaging does. (Packaging itself needs the Electron binary, which this machine cannot fetch.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import mainConfig from '../vite.main.config';
import { copyExternals, EXTERNAL_PACKAGES, EXTERNAL_PATTERNS, externalClosure, isExternal } from './externals';

const root = fileURLToPath(new URL('..', import.meta.url));
const nodeModules = path.join(root, 'node_modules');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'externals-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Source files reachable from the bundles' entries through relative imports. */
function reachableSources(entries: string[]): string[] {
  const seen = new Set<string>();
  const pending = entries.map((e) => path.join(root, e));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\(|require\()\s*'(\.[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), m[1]);
      const next = [base, `${base}.ts`, path.join(base, 'index.ts')].find((f) => f.endsWith('.ts') && fs.existsSync(f));
      if (next) pending.push(next);
    }
  }
  return [...seen];
}

/** Every installed package a source names in a string literal (imports, require, createRequire lookups). */
function packagesNamed(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/'((?:@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*)(?:\/[^']*)?'/g)) {
      if (fs.existsSync(path.join(nodeModules, m[1], 'package.json'))) names.add(m[1]);
    }
  }
  return names;
}

function shipsBinaries(dir: string, depth = 4): boolean {
  if (depth < 0 || !fs.existsSync(dir)) return false;
  return fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? e.name !== 'node_modules' && shipsBinaries(path.join(dir, e.name), depth - 1) : /\.(node|wasm)$/.test(e.name),
  );
}

describe('Electron externals', () => {
  it('are all dependencies of package.json (optional ones where the trainer can do without)', () => {
    const declared = { ...pkg.dependencies, ...pkg.optionalDependencies };
    for (const name of EXTERNAL_PACKAGES) expect(Object.keys(declared), name).toContain(name);
  });

  it('are what the main-process build leaves external', () => {
    expect(mainConfig.build?.rollupOptions?.external).toEqual([...EXTERNAL_PATTERNS]);
    expect(isExternal('better-sqlite3')).toBe(true);
    expect(isExternal('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')).toBe(true);
    expect(isExternal('@tensorflow/tfjs-core')).toBe(true);
    expect(isExternal('better-sqlite3-other')).toBe(false);
    expect(isExternal('zod')).toBe(false);
  });

  it('cover every package with binaries that the main and trainer sources load, and packaging copies them', () => {
    const named = packagesNamed(reachableSources(['electron/main.ts', 'trainer/process/trainer-process.ts']));
    named.delete('electron'); // the runtime itself
    expect(named.has('better-sqlite3')).toBe(true); // the walk reaches the store
    const packaged = new Set(externalClosure(nodeModules));
    for (const name of named) {
      if (shipsBinaries(path.join(nodeModules, name))) expect(isExternal(name), `${name} ships .node/.wasm files`).toBe(true);
      if (isExternal(name)) expect(packaged.has(name), `${name} is external but not packaged`).toBe(true);
    }
  });

  it('are copied into the app with their dependencies and the Electron-ABI build, nothing else', () => {
    const project = path.join(tmp, 'project');
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), text);
    };
    write('node_modules/native-db/package.json', JSON.stringify({ dependencies: { bindings: '1' }, optionalDependencies: { absent: '1' } }));
    write('node_modules/native-db/build/Release/db.node', 'binary');
    write('node_modules/bindings/package.json', '{}');
    write('node_modules/unrelated/package.json', '{}');
    write('.electron-native/40.0.0/better_sqlite3.node', 'electron binary');
    const app = path.join(tmp, 'app');
    const copied = copyExternals(project, app, ['native-db', 'not-installed']);
    expect(copied).toEqual(['node_modules/bindings', 'node_modules/native-db', '.electron-native']);
    expect(fs.readFileSync(path.join(app, 'node_modules/native-db/build/Release/db.node'), 'utf8')).toBe('binary');
    expect(fs.existsSync(path.join(app, '.electron-native/40.0.0/better_sqlite3.node'))).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules/unrelated'))).toBe(false);
  });
});
