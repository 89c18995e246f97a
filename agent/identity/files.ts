/**
 * Where the identity lives in the data dir, and how its secret files are read. The key and the
 * token are refused if other users can read or write them, or if they belong to another user.
 * This is what ssh does with private keys. A secret that others can read is already leaked. One
 * that others can write may have been replaced by them.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentityError } from './errors.ts';

export const KEY_FILE = 'identity.key';
export const CERT_FILE = 'identity.crt';
export const TOKEN_FILE = 'token';
export const AGENT_FILE = 'agent.json';

export const SECRET_MODE = 0o600;
export const PUBLIC_MODE = 0o644;

export const pathIn = (dataDir: string, file: string): string => join(dataDir, file);

/** The file's text, or undefined if it does not exist. */
export async function readOptional(file: string): Promise<string | undefined> {
  try {
    const handle = await open(file, 'r');
    try {
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * A secret file's text, or undefined if it does not exist. The checks use fstat on the handle the
 * file is read through, so the file cannot be swapped between the check and the read.
 */
export async function readSecret(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new IdentityError('DAMAGED', `${file} is not a regular file`);
    const loose = stat.mode & 0o077;
    if (loose !== 0) {
      throw new IdentityError(
        'INSECURE_PERMISSIONS',
        `${file} has permissions ${octal(stat.mode & 0o777)}: other users can ${loose & 0o022 ? 'change' : 'read'} it. ` +
          `It must be readable by the agent's user only (chmod 600 ${file}). If someone else may have ` +
          `read it, replace it (for the token: "token rotate").`,
      );
    }
    const uid = process.getuid?.();
    if (uid !== undefined && stat.uid !== uid) {
      throw new IdentityError(
        'INSECURE_PERMISSIONS',
        `${file} is owned by uid ${stat.uid}, not by the agent's user (uid ${uid}): chown it to the agent's user`,
      );
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
