/** Why the agent's identity or token cannot be used. The message says what to do about it. */
export type IdentityErrorCode =
  /** A secret file can be read or written by other users, or is owned by someone else. */
  | 'INSECURE_PERMISSIONS'
  /** The directory holds no agent identity yet (wrong --data-dir, or the agent never started). */
  | 'NOT_INITIALISED'
  /** A file is present but cannot be used (bad JSON, not a key, key and certificate differ…). */
  | 'DAMAGED';

export class IdentityError extends Error {
  readonly code: IdentityErrorCode;
  constructor(code: IdentityErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IdentityError';
    this.code = code;
  }
}
