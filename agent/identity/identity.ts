/**
 * The agent's identity in its data dir:
 *   identity.key  ECDSA P-256 private key, PKCS#8 PEM, 0600
 *   identity.crt  self-signed certificate for it (the management API's TLS certificate)
 *   token         the admin token, 0600
 *   agent.json    { id, name, site, apiUrl, fingerprint }, public, read by tools and the Console
 * Everything is made on first start and loaded after that. The files are written in that order,
 * each atomically. A first start that was cut short therefore leaves something the next start
 * can finish: a key without a certificate gets a certificate. A missing token is made. A missing
 * agent.json gets the id back from the certificate's CN.
 */
import { deepEqual } from '../../shared/model/deep-equal.ts';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-write.ts';
import { checkPair, fingerprintOf, idFromCertificate, identityNames } from './certificate.ts';
import { IdentityError } from './errors.ts';
import {
  AGENT_FILE,
  CERT_FILE,
  KEY_FILE,
  pathIn,
  PUBLIC_MODE,
  readOptional,
  readSecret,
  SECRET_MODE,
  TOKEN_FILE,
} from './files.ts';
import { generateToken, parseToken, tokenIdOf, writeToken } from './token.ts';

/** `<data-dir>/agent.json`. Unknown fields are kept, so that later versions can add some. */
export const AgentFile = z.looseObject({
  id: z.uuid(),
  name: z.string().min(1),
  site: z.string(),
  /** Where the management API listens, e.g. wss://10.0.0.5:7443/v1; null until it is known. */
  apiUrl: z.string().nullable(),
  /** SHA-256 of identity.crt as colon-separated upper-case hex. */
  fingerprint: z.string(),
  /** The engine chosen with --engine, kept so a restart without the flag runs the same one; absent = builtin. */
  engine: z.enum(['builtin', 'haproxy', 'simulated']).optional(),
});
export type AgentFile = z.infer<typeof AgentFile>;

export interface IdentityOptions {
  /** Display name; defaults to the stored one, else this host's name. */
  name?: string | undefined;
  /** Site (location) the agent belongs to; defaults to the stored one, else ''. */
  site?: string | undefined;
  apiUrl?: string | undefined;
  /** The engine to run; defaults to the stored one, else builtin. Stored once given. */
  engine?: AgentEngine | undefined;
}

export type AgentEngine = NonNullable<AgentFile['engine']>;

export interface AgentIdentity {
  id: string;
  name: string;
  site: string;
  apiUrl: string | null;
  fingerprint: string;
  /** Which engine carries the traffic. */
  engine: AgentEngine;
  /** PKCS#8 PEM of the identity key. */
  key: string;
  /** PEM of the identity certificate. */
  cert: string;
  token: string;
  /** First 8 hex digits of SHA-256(token): names the token in logs without revealing it. */
  tokenId: string;
  /**
   * True when this call made the token: on first start, or if the token file had gone. This is
   * the one time the caller should show the token. It is never logged after that.
   */
  created: boolean;
}

export async function loadOrCreateIdentity(
  dataDir: string,
  opts: IdentityOptions = {},
): Promise<AgentIdentity> {
  if (opts.name !== undefined && opts.name.trim() === '') throw new Error('the agent name must not be empty');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const keyFile = pathIn(dataDir, KEY_FILE);
  const certFile = pathIn(dataDir, CERT_FILE);
  const stored = await readAgentFile(pathIn(dataDir, AGENT_FILE));

  let key = await readSecret(keyFile);
  let cert = await readOptional(certFile);
  let id = stored?.id;
  if (key === undefined && cert !== undefined) {
    throw new IdentityError(
      'DAMAGED',
      `${certFile} exists but ${keyFile} is missing: restore the key, or remove ${certFile} to create a new ` +
        `identity (paired consoles will then see a new fingerprint)`,
    );
  }
  if (key !== undefined && cert !== undefined) {
    checkPair(key, cert, keyFile, certFile);
    id ??= idFromCertificate(cert);
  }
  id ??= randomUUID();
  const names = identityNames(opts.apiUrl ?? stored?.apiUrl);
  if (key === undefined) {
    // Loaded only here: the certificate generator's dependencies are ~20 MB (self-sign.ts).
    const { createIdentity } = await import('./self-sign.ts');
    ({ key, cert } = await createIdentity(id, names));
    await writeFileAtomic(keyFile, key, SECRET_MODE);
    await writeFileAtomic(certFile, cert, PUBLIC_MODE);
  } else if (cert === undefined) {
    const { certifyExistingKey } = await import('./self-sign.ts');
    cert = await certifyExistingKey(id, names, key);
    await writeFileAtomic(certFile, cert, PUBLIC_MODE);
  }

  const tokenFile = pathIn(dataDir, TOKEN_FILE);
  const tokenText = await readSecret(tokenFile);
  const created = tokenText === undefined;
  const token = created ? generateToken() : parseToken(tokenText, tokenFile);
  if (created) await writeToken(dataDir, token);

  const info: AgentFile = {
    ...stored,
    id,
    name: opts.name ?? stored?.name ?? hostname(),
    site: opts.site ?? stored?.site ?? '',
    apiUrl: opts.apiUrl ?? stored?.apiUrl ?? null,
    ...((opts.engine ?? stored?.engine) ? { engine: opts.engine ?? stored?.engine } : {}),
    // Always from the certificate: it is the identity, and agent.json only describes it.
    fingerprint: fingerprintOf(cert),
  };
  if (!deepEqual(info, stored)) {
    await writeFileAtomic(pathIn(dataDir, AGENT_FILE), `${JSON.stringify(info, null, 2)}\n`, PUBLIC_MODE);
  }
  return {
    id: info.id,
    name: info.name,
    site: info.site,
    apiUrl: info.apiUrl,
    fingerprint: info.fingerprint,
    engine: info.engine ?? 'builtin',
    key,
    cert,
    token,
    tokenId: tokenIdOf(token),
    created,
  };
}

/** `<data-dir>/agent.json`, or undefined if there is none yet. */
export async function readAgentFile(file: string): Promise<AgentFile | undefined> {
  const text = await readOptional(file);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new IdentityError('DAMAGED', `${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = AgentFile.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      .join('; ');
    throw new IdentityError('DAMAGED', `${file} is not a valid agent file: ${problems}`);
  }
  return parsed.data;
}
