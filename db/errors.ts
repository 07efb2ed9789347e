/** A store problem worth showing to the user as is (bad file, newer schema, unknown run). */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'not-a-store' | 'too-new' | 'needs-migration' | 'not-found' | 'invalid',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
