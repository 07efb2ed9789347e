// Electron loads native modules built for its own ABI; Node's build in node_modules would crash
// it. A prebuilt Electron copy lives at <app root>/.electron-native/<electron version>/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Nearest folder above this module holding package.json (the app root in dev and in the asar). */
function findAppRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** The better-sqlite3 binary to load, or undefined for the package's default (Node) build. */
export function nativeBindingPath(
  appRoot: string = findAppRoot(),
  electronVersion: string | undefined = process.versions.electron,
): string | undefined {
  if (!electronVersion) return undefined;
  const file = path.join(appRoot, '.electron-native', electronVersion, 'better_sqlite3.node');
  // Inside an asar archive the binary must come from the unpacked copy.
  const unpacked = file.replace(`${path.sep}app.asar${path.sep}`, `${path.sep}app.asar.unpacked${path.sep}`);
  if (fs.existsSync(unpacked)) return unpacked;
  return fs.existsSync(file) ? file : undefined;
}

// URI filenames let a read-only open say `immutable=1` (a store in a read-only folder, open.ts).
// better-sqlite3 reads this once, when its native module loads; our paths are always absolute
// there, so none is mistaken for a URI.
process.env.SQLITE_USE_URI ??= '1';
