/**
 * SecretBox for browser and CLI mode: AES-256-GCM under a random 32-byte key kept in a file
 * that only the user can read, next to the settings file. It protects the tokens in a copied
 * or backed-up settings file and from other users on the machine; like any key on disk it
 * does not protect against code running as the same user (safeStorage, in the app, does better).
 *
 * The key file is created on first use, atomically and never overwritten: an existing key is
 * what the stored tokens need. A key file that group or others can read is refused rather than
 * used or "fixed": someone may already have copied it, and the admin should know.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { SecretBoxError, type SecretBox } from './secret-box.ts';

export const KEY_FILE = 'secret.key';
const PREFIX = 'aesgcm1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds boxes to their purpose: a box from another AES-GCM use of the same key will not open. */
const AAD = Buffer.from('portico-console secret v1');
/** POSIX modes mean nothing on Windows, where the profile directory's ACL protects the file. */
const CHECK_MODES = process.platform !== 'win32';

export class FileSecretBox implements SecretBox {
  readonly available = true;
  readonly keyPath: string;
  private key: Buffer | undefined;

  constructor(configDir: string) {
    this.keyPath = join(configDir, KEY_FILE);
  }

  encrypt(plain: string): string {
    const key = this.loadKey(true);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(AAD);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(box: string): string {
    if (!box.startsWith(PREFIX)) {
      throw new SecretBoxError(
        'this secret was not stored by the browser-mode key file (another secret store?)',
      );
    }
    const raw = Buffer.from(box.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('the stored secret is damaged');
    const key = this.loadKey(false);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(AAD);
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretBoxError(
        `the stored secret does not open with ${this.keyPath} (the key file was replaced, or the secret is damaged)`,
      );
    }
  }

  private loadKey(create: boolean): Buffer {
    if (this.key) return this.key;
    let key = readKeyFile(this.keyPath);
    if (!key) {
      if (!create) {
        throw new SecretBoxError(`the key file ${this.keyPath} is missing: stored secrets cannot be read`);
      }
      createKeyFile(this.keyPath);
      key = readKeyFile(this.keyPath);
      if (!key) throw new SecretBoxError(`${this.keyPath} vanished right after it was created`);
    }
    this.key = key;
    return key;
  }
}

function readKeyFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    // O_NOFOLLOW: a symlink planted in place of the key file must not redirect us.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SecretBoxError(`cannot open the key file ${path}: ${(err as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SecretBoxError(`${path} is not a regular file`);
    if (CHECK_MODES) {
      if ((st.mode & 0o077) !== 0) {
        const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
        throw new SecretBoxError(
          `refusing the key file ${path}: its mode ${mode} lets other users read it. ` +
            'It may have been copied already: delete it and pair the agents again (or, if you are sure, chmod 600 it).',
        );
      }
      const uid = process.getuid?.();
      if (uid !== undefined && st.uid !== uid) {
        throw new SecretBoxError(`refusing the key file ${path}: it belongs to another user (uid ${st.uid})`);
      }
    }
    const key = Buffer.from(readFileSync(fd, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new SecretBoxError(`the key file ${path} is damaged (not a 32-byte key)`);
    return key;
  } finally {
    closeSync(fd);
  }
}

/** Write a temp file, then link it into place: the key appears whole or not at all, and an existing one wins. */
function createKeyFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
  } catch (err) {
    // Another Console process made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
}
