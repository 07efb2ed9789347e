/** A store problem worth showing to the user as is (bad file, newer schema, unknown run). */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'not-a-store' | 'too-new' | 'needs-migration' | 'not-found' | 'invalid'
      // opening: the file or its folder cannot be used as asked; the file is damaged; it is empty
      | 'cannot-open' | 'read-only' | 'damaged' | 'empty',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** better-sqlite3's errors carry SQLite's extended result code as a string ('SQLITE_CORRUPT', ...). */
export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** What an SQLite result code means for the person holding the file, in a few words. */
export function sqliteCause(err: unknown): string {
  const code = sqliteCode(err) ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return `the file is damaged (${message})`;
  if (code === 'SQLITE_READONLY_DIRECTORY') return 'its folder is not writable (SQLite needs to create the -wal and -shm files beside it)';
  if (code.startsWith('SQLITE_READONLY')) return `the file is read-only (${message})`;
  if (code === 'SQLITE_FULL') return 'the disk is full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `another process holds it locked (${message})`;
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code.startsWith('SQLITE_AUTH')) return `it cannot be opened (${message}; check that it exists and that you may read it)`;
  if (code.startsWith('SQLITE_IOERR')) return `the disk reported an error (${message})`;
  return message;
}
