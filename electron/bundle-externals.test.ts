// What the build really leaves external must be exactly what packaging copies. The main and
// trainer bundles are built in memory with vite.main.config.ts (as scripts/build-electron.ts and
// Forge do), their external imports read from Rollup's output, and forge.config.ts's own
// packaging hook run over a small project to see what it copies. (Packaging a real app needs the
// Electron binary, which this machine cannot fetch.)
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { build, mergeConfig, type Rollup } from 'vite';
import mainConfig from '../vite.main.config';
import forgeConfig from '../forge.config';
import { EXTERNAL_PACKAGES, EXTRA_APP_FOLDERS } from './externals';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-externals-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * Loaded with a variable specifier (trainer/compute/tfjs-runtime.ts: optional packages that may
 * be absent), so no bundle names them, yet the packaged app must carry them.
 */
const LOADED_BY_VARIABLE = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
const packageOf = (id: string) => id.split('/').slice(0, id.startsWith('@') ? 2 : 1).join('/');

async function bundleExternals(): Promise<Set<string>> {
  const runtime = new Set(['electron', ...builtinModules.flatMap((m) => [m, `node:${m}`])]);
  const out = (await build(
    mergeConfig(mainConfig, {
      configFile: false,
      logLevel: 'silent',
      resolve: { conditions: ['node'], mainFields: ['module', 'jsnext:main', 'jsnext'] },
      build: { write: false, minify: false, outDir: path.join(tmp, 'build'), rollupOptions: { external: [...runtime] } },
    }),
  )) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  expect(chunks.map((c) => c.fileName)).toEqual(expect.arrayContaining(['main.cjs', 'trainer.cjs']));
  const own = new Set(chunks.map((c) => c.fileName));
  const ids = chunks.flatMap((c) => [...c.imports, ...c.dynamicImports]).filter((id) => !own.has(id) && !runtime.has(id));
  return new Set(ids.map(packageOf));
}

describe('the packaged app carries exactly what the bundles leave external', () => {
  it('the bundles import exactly the listed externals (and the trainer loads the rest by name)', async () => {
    const imported = await bundleExternals();
    expect(imported.has('better-sqlite3')).toBe(true); // the build reached the store
    const runtimeSource = fs.readFileSync(path.join(root, 'trainer/compute/tfjs-runtime.ts'), 'utf8');
    for (const pkg of LOADED_BY_VARIABLE) expect(runtimeSource, pkg).toContain(`'${pkg}'`);
    expect([...new Set([...imported, ...LOADED_BY_VARIABLE])].sort()).toEqual([...EXTERNAL_PACKAGES].sort());
  }, 180_000);

  it("forge.config.ts's packaging hook copies the listed externals, their dependencies and the Electron-ABI build", async () => {
    const project = path.join(tmp, 'project');
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), text);
    };
    // Every listed external installed (one of them with a dependency), plus a package nobody needs.
    for (const name of EXTERNAL_PACKAGES) write(`node_modules/${name}/package.json`, JSON.stringify(name === 'better-sqlite3' ? { dependencies: { bindings: '1' } } : {}));
    write('node_modules/bindings/package.json', '{}');
    write('node_modules/unrelated/package.json', '{}');
    for (const folder of EXTRA_APP_FOLDERS) write(`${folder}/40.0.0/better_sqlite3.node`, 'electron binary');
    const app = path.join(tmp, 'app');
    const hook = forgeConfig.hooks?.packageAfterCopy;
    expect(hook).toBeTypeOf('function');
    const cwd = process.cwd();
    process.chdir(project); // the hook copies from the project it is run in
    try {
      await hook!(forgeConfig as never, app, '40.0.0', 'linux', 'x64');
    } finally {
      process.chdir(cwd);
    }
    const copied = fs.readdirSync(path.join(app, 'node_modules'), { recursive: true, withFileTypes: true })
      .filter((e) => e.name === 'package.json')
      .map((e) => path.relative(path.join(app, 'node_modules'), e.parentPath))
      .sort();
    expect(copied).toEqual([...EXTERNAL_PACKAGES, 'bindings'].sort());
    for (const folder of EXTRA_APP_FOLDERS) expect(fs.existsSync(path.join(app, folder, '40.0.0/better_sqlite3.node')), folder).toBe(true);
  });
});
