/**
 * The admin token: 32 random bytes (256 bits) as base64url, kept in `<data-dir>/token` (0600).
 * Clients send it as a Bearer token. Logs and audit records name it by its token id: the first
 * 8 hex digits of its SHA-256. That tells tokens apart without helping anyone guess one.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { IdentityError } from './errors.ts';
import { AGENT_FILE, pathIn, readSecret, SECRET_MODE, TOKEN_FILE } from './files.ts';

export interface TokenInfo {
  token: string;
  /** A non-secret id for logs and audit records. */
  tokenId: string;
}

/** 22 base64url characters carry 128 bits. A hand-written token shorter than that is refused. */
const MIN_LENGTH = 22;
/** Visible ASCII only: the token goes into an HTTP header and is typed into terminals. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenIdOf(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 8);
}

/**
 * Compares a presented token with the real one without leaking where they differ. It compares
 * SHA-256 digests, so the time taken does not depend on the real token's length either.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** The token in `dataDir`. Refused if the file is missing, malformed, or readable by others. */
export async function readToken(dataDir: string): Promise<TokenInfo> {
  const file = pathIn(dataDir, TOKEN_FILE);
  const text = await readSecret(file);
  if (text === undefined) {
    throw new IdentityError(
      'NOT_INITIALISED',
      `no token in ${dataDir}: start the agent once with --data-dir ${dataDir} to create one`,
    );
  }
  const token = parseToken(text, file);
  return { token, tokenId: tokenIdOf(token) };
}

/** The file holds the token, with an optional trailing newline so that `cat` shows it cleanly. */
export function parseToken(text: string, file: string): string {
  const token = text.trim();
  if (token.length < MIN_LENGTH || !TOKEN_CHARS.test(token)) {
    throw new IdentityError(
      'DAMAGED',
      `${file} does not hold a usable token (at least ${MIN_LENGTH} visible ASCII characters, no spaces). ` +
        `Run "token rotate" to make a new one.`,
    );
  }
  return token;
}

export async function writeToken(dataDir: string, token: string): Promise<void> {
  await writeFileAtomic(pathIn(dataDir, TOKEN_FILE), `${token}\n`, SECRET_MODE);
}

/**
 * Replaces the token with a new random one. The data dir must already hold an agent identity.
 * Without that check, a mistyped --data-dir would quietly get a token nobody uses.
 * A running agent learns about the new token when it reloads (SIGHUP). It then closes the
 * sessions that were opened with the old one.
 */
export async function rotateToken(dataDir: string): Promise<TokenInfo> {
  try {
    await stat(pathIn(dataDir, AGENT_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new IdentityError(
      'NOT_INITIALISED',
      `${dataDir} holds no agent identity (no ${AGENT_FILE}): check --data-dir, or start the agent once`,
    );
  }
  const token = generateToken();
  await writeToken(dataDir, token);
  return { token, tokenId: tokenIdOf(token) };
}
