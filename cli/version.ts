import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function appVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The commit this checkout is at (`git rev-parse HEAD`) and whether it has uncommitted changes; "unknown" outside git. */
export function gitCommit(): { commit: string; dirty: boolean | null } {
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const git = (args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  try {
    const commit = git(['rev-parse', 'HEAD']);
    let dirty: boolean | null = null;
    try {
      dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    } catch {
      dirty = null;
    }
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: null };
  }
}
