/** First start, later starts, repair of a cut-short first start, and refusal of unsafe files. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash, X509Certificate } from 'node:crypto';
import { chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateIdentity, type AgentIdentity } from './identity.ts';
import { IdentityError } from './errors.ts';
import { constantTimeEqual, readToken, rotateToken } from './token.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portico-identity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (file: string) => (await stat(join(dir, file))).mode & 0o777;
const agentJson = async () =>
  JSON.parse(await readFile(join(dir, 'agent.json'), 'utf8')) as Record<string, unknown>;

async function refused(promise: Promise<unknown>, code: IdentityError['code'], text: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityError);
  expect((error as IdentityError).code).toBe(code);
  expect((error as Error).message).toMatch(text);
}

describe('first start', () => {
  it('creates the key, certificate, token and agent.json with private modes for the secrets', async () => {
    const id = await loadOrCreateIdentity(dir, {
      name: 'lb-1',
      site: 'hq',
      apiUrl: 'wss://10.9.8.7:7443/v1',
    });
    expect(id.created).toBe(true);
    expect(id.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await mode('identity.key')).toBe(0o600);
    expect(await mode('token')).toBe(0o600);
    expect(await readFile(join(dir, 'identity.key'), 'utf8')).toBe(id.key);
    expect(id.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(await readFile(join(dir, 'identity.crt'), 'utf8')).toBe(id.cert);
    expect((await readFile(join(dir, 'token'), 'utf8')).trim()).toBe(id.token);
    expect(await agentJson()).toEqual({
      id: id.id,
      name: 'lb-1',
      site: 'hq',
      apiUrl: 'wss://10.9.8.7:7443/v1',
      fingerprint: id.fingerprint,
    });
  });

  it('makes a token of at least 128 random bits and names it by a non-secret id', async () => {
    const a = await loadOrCreateIdentity(join(dir, 'a'));
    const b = await loadOrCreateIdentity(join(dir, 'b'));
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes in base64url
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.tokenId).toBe(createHash('sha256').update(a.token).digest('hex').slice(0, 8));
    expect(a.id).not.toBe(b.id);
  });

  it('issues a self-signed ECDSA P-256 server certificate for ten years, pinned by its SHA-256', async () => {
    const id = await loadOrCreateIdentity(dir, { apiUrl: 'wss://10.9.8.7:7443/v1' });
    const cert = new X509Certificate(id.cert);
    expect(cert.subject).toBe(`CN=portico-agent ${id.id}`);
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('ec');
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // Node reports the extended key usage here
    const sans = cert.subjectAltName?.split(', ') ?? [];
    expect(sans).toEqual(
      expect.arrayContaining([
        `DNS:${hostname()}`,
        'DNS:localhost',
        'IP Address:127.0.0.1',
        'IP Address:0:0:0:0:0:0:0:1',
        'IP Address:10.9.8.7',
      ]),
    );
    const years = (Date.parse(cert.validTo) - Date.now()) / (365.25 * 24 * 3600_000);
    expect(years).toBeGreaterThan(9.9);
    expect(Date.parse(cert.validFrom)).toBeLessThan(Date.now());
    expect(id.fingerprint).toBe(cert.fingerprint256);
    expect(id.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(id.fingerprint.replaceAll(':', '').toLowerCase()).toBe(
      createHash('sha256').update(cert.raw).digest('hex'),
    );
  });

  it('gives a TLS server that clients see with the fingerprint in agent.json', async () => {
    const id = await loadOrCreateIdentity(dir);
    const server = createServer({ key: id.key, cert: id.cert }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const seen = await new Promise<string>((resolve, reject) => {
        const socket: TLSSocket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          resolve(socket.getPeerCertificate().fingerprint256);
          socket.end();
        });
        socket.on('error', reject);
      });
      expect(seen).toBe((await agentJson()).fingerprint);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('later starts', () => {
  it('load the same identity and token, and do not report them as new', async () => {
    const first = await loadOrCreateIdentity(dir, { name: 'lb-1', site: 'hq' });
    const again = await loadOrCreateIdentity(dir);
    expect(again).toEqual({ ...first, created: false });
  });

  it('update name, site and apiUrl when given and keep them when not', async () => {
    const first = await loadOrCreateIdentity(dir, { name: 'lb-1', site: 'hq', apiUrl: 'wss://a:1/v1' });
    const renamed = await loadOrCreateIdentity(dir, { name: 'lb-2', apiUrl: 'wss://b:2/v1' });
    expect(renamed).toMatchObject({ id: first.id, name: 'lb-2', site: 'hq', apiUrl: 'wss://b:2/v1' });
    expect(renamed.fingerprint).toBe(first.fingerprint);
    expect(await agentJson()).toMatchObject({ name: 'lb-2', site: 'hq', apiUrl: 'wss://b:2/v1' });
    expect(await loadOrCreateIdentity(dir)).toMatchObject({ name: 'lb-2', site: 'hq' });
  });

  it('default the name to the host name and the site to empty', async () => {
    expect(await loadOrCreateIdentity(dir)).toMatchObject({ name: hostname(), site: '', apiUrl: null });
  });

  it('keep fields of agent.json they do not know', async () => {
    await loadOrCreateIdentity(dir);
    await writeFile(join(dir, 'agent.json'), JSON.stringify({ ...(await agentJson()), future: { x: 1 } }));
    await loadOrCreateIdentity(dir, { name: 'renamed' });
    expect(await agentJson()).toMatchObject({ name: 'renamed', future: { x: 1 } });
  });

  it('remember the engine: given once, kept by later starts without it', async () => {
    expect((await loadOrCreateIdentity(dir)).engine).toBe('builtin');
    expect(await agentJson()).not.toHaveProperty('engine');
    expect((await loadOrCreateIdentity(dir, { engine: 'haproxy' })).engine).toBe('haproxy');
    expect(await agentJson()).toMatchObject({ engine: 'haproxy' });
    expect((await loadOrCreateIdentity(dir)).engine).toBe('haproxy');
    expect((await loadOrCreateIdentity(dir, { engine: 'builtin' })).engine).toBe('builtin');
    expect(await agentJson()).toMatchObject({ engine: 'builtin' });
  });

  it('refuse an engine agent.json cannot name', async () => {
    await loadOrCreateIdentity(dir);
    await writeFile(join(dir, 'agent.json'), JSON.stringify({ ...(await agentJson()), engine: 'nginx' }));
    await refused(loadOrCreateIdentity(dir), 'DAMAGED', /engine/);
  });

  it('refuse an empty name', async () => {
    await expect(loadOrCreateIdentity(dir, { name: ' ' })).rejects.toThrow(/name must not be empty/);
  });
});

describe('a first start that was cut short is finished', () => {
  let first: AgentIdentity;
  beforeEach(async () => {
    first = await loadOrCreateIdentity(dir, { name: 'lb-1' });
  });

  it('a key without a certificate gets a new certificate (and so a new fingerprint)', async () => {
    await rm(join(dir, 'identity.crt'));
    const next = await loadOrCreateIdentity(dir);
    expect(next.id).toBe(first.id);
    expect(next.key).toBe(first.key);
    expect(next.fingerprint).not.toBe(first.fingerprint);
    expect(
      new X509Certificate(next.cert).checkPrivateKey(
        (await import('node:crypto')).createPrivateKey(next.key),
      ),
    ).toBe(true);
    expect((await agentJson()).fingerprint).toBe(next.fingerprint);
  });

  it('a lost agent.json gets its id back from the certificate', async () => {
    await rm(join(dir, 'agent.json'));
    const next = await loadOrCreateIdentity(dir);
    expect(next.id).toBe(first.id);
    expect(next.fingerprint).toBe(first.fingerprint);
  });

  it('a lost token is made again and reported as new, so that it is shown', async () => {
    await rm(join(dir, 'token'));
    const next = await loadOrCreateIdentity(dir);
    expect(next.created).toBe(true);
    expect(next.token).not.toBe(first.token);
    expect(await mode('token')).toBe(0o600);
  });
});

describe('damaged identities are refused, not replaced', () => {
  beforeEach(async () => {
    await loadOrCreateIdentity(dir);
  });

  it('a certificate without its key', async () => {
    await rm(join(dir, 'identity.key'));
    await refused(loadOrCreateIdentity(dir), 'DAMAGED', /identity\.key is missing/);
  });

  it('a certificate of another key', async () => {
    const other = await loadOrCreateIdentity(join(dir, 'other'));
    await writeFile(join(dir, 'identity.crt'), other.cert);
    await refused(loadOrCreateIdentity(dir), 'DAMAGED', /does not belong to the key/);
  });

  it('a key that is not P-256', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    await writeFile(join(dir, 'identity.key'), rsa, { mode: 0o600 });
    await refused(loadOrCreateIdentity(dir), 'DAMAGED', /not an ECDSA P-256 key/);
  });

  it('agent.json that is not JSON or lacks fields', async () => {
    await writeFile(join(dir, 'agent.json'), '{ "id": ');
    await refused(loadOrCreateIdentity(dir), 'DAMAGED', /agent\.json is not valid JSON/);
    await writeFile(join(dir, 'agent.json'), '{ "id": "x" }');
    await refused(loadOrCreateIdentity(dir), 'DAMAGED', /agent\.json is not a valid agent file: id/);
  });

  it('a token file that does not hold a usable token', async () => {
    await writeFile(join(dir, 'token'), 'short\n', { mode: 0o600 });
    await refused(loadOrCreateIdentity(dir), 'DAMAGED', /does not hold a usable token/);
    await writeFile(join(dir, 'token'), 'has spaces in it but is long enough\n', { mode: 0o600 });
    await refused(readToken(dir), 'DAMAGED', /does not hold a usable token/);
  });
});

describe('secrets that other users can read or write are refused, as ssh does', () => {
  beforeEach(async () => {
    await loadOrCreateIdentity(dir);
  });

  for (const [file, bits] of [
    ['identity.key', 0o640],
    ['identity.key', 0o604],
    ['identity.key', 0o620],
    ['token', 0o644],
    ['token', 0o660],
  ] as const) {
    it(`${file} with mode ${bits.toString(8)}`, async () => {
      await chmod(join(dir, file), bits);
      await refused(
        loadOrCreateIdentity(dir),
        'INSECURE_PERMISSIONS',
        new RegExp(`${file} has permissions 0${bits.toString(8)}.*chmod 600`),
      );
    });
  }

  it('readToken checks the same', async () => {
    await chmod(join(dir, 'token'), 0o644);
    await refused(readToken(dir), 'INSECURE_PERMISSIONS', /other users can read it/);
  });

  it.skipIf(process.getuid?.() !== 0)('a token owned by another user (needs root to set up)', async () => {
    await chown(join(dir, 'token'), 54321, 54321);
    await refused(readToken(dir), 'INSECURE_PERMISSIONS', /owned by uid 54321/);
  });

  it('an identity that is fine again after chmod 600 loads', async () => {
    await chmod(join(dir, 'token'), 0o644);
    await refused(loadOrCreateIdentity(dir), 'INSECURE_PERMISSIONS', /token/);
    await chmod(join(dir, 'token'), 0o600);
    await expect(loadOrCreateIdentity(dir)).resolves.toMatchObject({ created: false });
  });
});

describe('token rotation', () => {
  it('replaces the token; the next start and readToken see the new one', async () => {
    const first = await loadOrCreateIdentity(dir);
    const rotated = await rotateToken(dir);
    expect(rotated.token).not.toBe(first.token);
    expect(rotated.tokenId).not.toBe(first.tokenId);
    expect(await mode('token')).toBe(0o600);
    expect(await readToken(dir)).toEqual(rotated);
    expect(await loadOrCreateIdentity(dir)).toMatchObject({
      token: rotated.token,
      created: false,
      id: first.id,
    });
  });

  it('refuses a directory that holds no agent, rather than leave a stray token there', async () => {
    await refused(rotateToken(dir), 'NOT_INITIALISED', /no agent\.json/);
    await refused(readToken(dir), 'NOT_INITIALISED', /no token in/);
  });
});

describe('constantTimeEqual', () => {
  it('is true only for equal strings, whatever their lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
  });
});
