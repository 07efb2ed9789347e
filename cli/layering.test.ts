// The CLI is a transport: its commands are clients of WorkbenchService, reached through
// cli/service-session.ts alone. This reads every CLI source file's imports (static, re-exports
// and dynamic) and fails on one that reaches into db/, backend/ or cluster/ (which the service
// drives) from anywhere else.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const THE_DOOR = 'cli/service-session.ts';
const BELOW_THE_SERVICE = ['db', 'backend', 'cluster'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every module specifier a file names: `import … from`, `export … from`, `import '…'`, `import('…')`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The top-level folder a relative specifier lands in, from the file that names it. */
function topFolder(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = path.relative(root, path.resolve(path.dirname(file), specifier));
  return target.split(path.sep)[0] ?? null;
}

describe('the CLI reaches the store and the service only through cli/service-session.ts', () => {
  const files = sourceFiles(path.join(root, 'cli'));

  it('reads the imports it checks (the door itself imports the service)', () => {
    const door = path.join(root, THE_DOOR);
    expect(files).toContain(door);
    expect(specifiers(fs.readFileSync(door, 'utf8')).map((s) => topFolder(door, s))).toContain('backend');
    expect(specifiers("import a from '../db';\nexport { b } from '../../backend/x';\nconst c = await import('../db/check');")).toEqual(['../db', '../../backend/x', '../db/check']);
  });

  it('no other CLI file imports db/, backend/ or cluster/', () => {
    const offenders = files
      .filter((f) => path.relative(root, f) !== THE_DOOR)
      .flatMap((f) =>
        specifiers(fs.readFileSync(f, 'utf8'))
          .filter((s) => BELOW_THE_SERVICE.includes(topFolder(f, s) ?? ''))
          .map((s) => `${path.relative(root, f)} imports ${s}`),
      );
    expect(offenders).toEqual([]);
  });
});
