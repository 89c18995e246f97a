/**
 * Encrypts secrets (agent tokens) before they reach the settings file. Inside Electron the
 * adapter wraps safeStorage (the OS keychain); in browser and CLI mode file-secret-box.ts keeps
 * a key file beside the settings. The store never sees a token in plain text on disk.
 *
 * Synchronous on purpose: safeStorage's API is, and the store's reads and writes are too.
 */
export interface SecretBox {
  /** A printable box (safe inside JSON) that only this box can open. */
  encrypt(plain: string): string;
  /** Throws SecretBoxError when the box cannot be opened (other key, damaged, other machine). */
  decrypt(box: string): string;
  /**
   * False when no protected storage exists (e.g. Linux without a keyring under Electron); the
   * store then refuses to keep tokens instead of writing them in the clear.
   */
  readonly available: boolean;
}

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}
