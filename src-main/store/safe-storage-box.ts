/**
 * Agent tokens boxed by Electron's safeStorage (the OS keychain). Takes safeStorage as an
 * argument so it is tested with the one Electron mock and without loading Electron.
 */
import { SecretBoxError, type SecretBox } from './secret-box.ts';

/** The part of Electron's safeStorage this box uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

const PREFIX = 'safe1:';

/** Tokens boxed by the OS keychain. Linux's basic_text backend protects nothing, so it counts as unavailable. */
export function safeStorageBox(storage: SafeStorageLike): SecretBox {
  return {
    get available() {
      return storage.isEncryptionAvailable() && storage.getSelectedStorageBackend?.() !== 'basic_text';
    },
    encrypt(plain: string): string {
      return PREFIX + storage.encryptString(plain).toString('base64');
    },
    decrypt(box: string): string {
      if (!box.startsWith(PREFIX)) {
        throw new SecretBoxError(
          'this token was stored by another kind of Console store; pair the agent again',
        );
      }
      try {
        return storage.decryptString(Buffer.from(box.slice(PREFIX.length), 'base64'));
      } catch {
        throw new SecretBoxError(
          'the OS keychain cannot open this token (another user or machine?); pair the agent again',
        );
      }
    },
  };
}
