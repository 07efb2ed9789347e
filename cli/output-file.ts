// Writing a command's output file without ever destroying something: never the run store (or its
// -wal/-shm), never an existing file unless --force, and atomically (a temp file, then a rename),
// so a crash or a full disk leaves either the old file or the new one, never half of one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './args';

/** The store's own files: the database and the sidecars SQLite keeps beside it. */
const STORE_SIDECARS = ['', '-wal', '-shm', '-journal'];

/** Real path of `file`, resolving links in its folder even when the file itself does not exist yet. */
function realPathOf(file: string): string {
  const abs = path.resolve(file);
  try {
    return fs.realpathSync(abs);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(abs)), path.basename(abs));
    } catch {
      return abs;
    }
  }
}

function sameFile(a: fs.Stats | undefined, b: fs.Stats | undefined): boolean {
  return a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

const statOrUndefined = (file: string) => {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
};

/** Throws a UsageError when writing `out` could overwrite the store at `storePath` or an existing file. */
export function checkOutputPath(out: string, opts: { storePath?: string; force?: boolean }): void {
  const target = realPathOf(out);
  const targetStat = statOrUndefined(target);
  if (opts.storePath !== undefined) {
    const store = realPathOf(opts.storePath);
    for (const suffix of STORE_SIDECARS) {
      const own = store + suffix;
      // Hard links and bind mounts reach the same file under another name: compare inodes too.
      if (target === own || sameFile(targetStat, statOrUndefined(own))) {
        throw new UsageError(`refusing to write to ${out}: it is ${suffix ? `the run store's ${suffix} file` : 'the run store itself'} (${opts.storePath})`);
      }
    }
  }
  if (targetStat?.isDirectory()) throw new UsageError(`refusing to write to ${out}: it is a folder`);
  if (targetStat && !opts.force) throw new UsageError(`refusing to overwrite ${out}: it exists (add --force to replace it)`);
  if (!fs.existsSync(path.dirname(target))) throw new UsageError(`cannot write ${out}: the folder ${path.dirname(out)} does not exist`);
}

/**
 * Writes `text` to `out` atomically: a temp file in the same folder (same file system, so the
 * rename is atomic), synced, then renamed over (with force) or hard-linked into place (without,
 * which fails rather than clobbers a file that appeared since the check).
 */
export function writeFileAtomic(out: string, text: string, opts: { force?: boolean } = {}): void {
  const dir = path.dirname(path.resolve(out));
  const tmp = path.join(dir, `.${path.basename(out)}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (opts.force) fs.renameSync(tmp, out);
    else {
      try {
        fs.linkSync(tmp, out);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`refusing to overwrite ${out}: it exists (add --force to replace it)`);
        throw err;
      }
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot write ${out}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
