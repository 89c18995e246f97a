/**
 * AIA test certificates, made by pki.ts and added to the certificate corpus (same directory,
 * signed by its root):
 *
 *   corpus root ← hop-int1 (RSA; AIA → /root.cer, DER)
 *               ← hop-int2 (EC; AIA → /int1.p7c, PKCS#7)
 *               ← hop-leaf (EC; AIA → /int2.cer, DER)
 *               ← broken-leaf (AIA → /missing.cer, /slow.cer, /huge.cer, /wrong.cer)
 *
 * The URLs point at the test's HTTP server, so it is generated after the server has a port.
 * `publish` serves each file at its path.
 */
import { writeFileSync } from 'node:fs';
import type { Corpus } from './cert-corpus.ts';
import { PASSWORD, ROOT_CN } from './cert-corpus.ts';
import type { AiaServer } from './aia-server.ts';
import { openssl } from './openssl.ts';
import { TestPki, type Issued } from './pki.ts';

export const HOP_INT1_CN = 'Portico Hop CA 1';
export const HOP_INT2_CN = 'Portico Hop CA 2';
export const HOP_LEAF_CN = 'hop.portico.test';
export const BROKEN_LEAF_CN = 'broken-aia.portico.test';

export const AIA_PATHS = {
  root: '/root.cer',
  int1: '/int1.p7c',
  int2: '/int2.cer',
  missing: '/missing.cer',
  slow: '/slow.cer',
  huge: '/huge.cer',
  wrong: '/wrong.cer',
} as const;

export interface AiaCorpus {
  /** Leaf and key only: the chain must come from AIA (or the library). */
  hopLeafPfx: string;
  /** Leaf, key and hop-int2: int1 and the root must come from elsewhere. */
  hopLeafPartialPem: string;
  /** A leaf whose every AIA URL fails in a different way. */
  brokenLeafPfx: string;
  /** Serves every issuer at its AIA path; `slowMs` delays /slow.cer. */
  publish(server: AiaServer, options: { slowMs: number; hugeBytes: number }): void;
}

export function addAiaHierarchy(corpus: Corpus, origin: string): AiaCorpus {
  const run = (...args: string[]) => openssl(corpus.dir, ...args);
  const url = (path: string) => `caIssuers;URI:${origin}${path}`;
  const caIssuers = (...paths: string[]) => `authorityInfoAccess = ${paths.map(url).join(', ')}`;
  const root: Issued = {
    name: ROOT_CN,
    key: corpus.read('root.key').toString(),
    cert: corpus.read('root.pem').toString(),
    chain: corpus.read('root.pem').toString(),
    root: corpus.read('root.pem').toString(),
  };
  const pki = new TestPki();
  try {
    /** Issued by pki.ts, kept as `<name>.pem` and `<name>.key` in the corpus. */
    const issue = (name: string, issuer: Issued, cn: string, keyType: 'rsa' | 'ec', extensions: string[]) => {
      const issued = pki.issue(issuer, {
        cn,
        subject: `/O=Portico Test/CN=${cn}`,
        keyType,
        days: 365,
        extensions,
      });
      writeFileSync(corpus.path(`${name}.pem`), issued.cert);
      writeFileSync(corpus.path(`${name}.key`), issued.key);
      return issued;
    };
    const CA = ['keyUsage = critical, keyCertSign, cRLSign'];
    const int1 = issue('hop-int1', root, HOP_INT1_CN, 'rsa', [
      'basicConstraints = critical, CA:TRUE',
      ...CA,
      caIssuers(AIA_PATHS.root),
    ]);
    const int2 = issue('hop-int2', int1, HOP_INT2_CN, 'ec', [
      'basicConstraints = critical, CA:TRUE, pathlen:0',
      ...CA,
      caIssuers(AIA_PATHS.int1),
    ]);
    issue('hop-leaf', int2, HOP_LEAF_CN, 'ec', [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = serverAuth',
      `subjectAltName = DNS:${HOP_LEAF_CN}`,
      caIssuers(AIA_PATHS.int2),
    ]);
    issue('broken-leaf', int2, BROKEN_LEAF_CN, 'ec', [
      'basicConstraints = critical, CA:FALSE',
      'keyUsage = critical, digitalSignature',
      `subjectAltName = DNS:${BROKEN_LEAF_CN}`,
      caIssuers(AIA_PATHS.missing, AIA_PATHS.slow, AIA_PATHS.huge, AIA_PATHS.wrong),
    ]);
  } finally {
    pki.cleanup();
  }

  const pfx = (out: string, name: string) =>
    run(
      'pkcs12',
      '-export',
      '-inkey',
      `${name}.key`,
      '-in',
      `${name}.pem`,
      '-passout',
      `pass:${PASSWORD}`,
      '-out',
      out,
    );
  pfx('hop-leaf.pfx', 'hop-leaf');
  pfx('broken-leaf.pfx', 'broken-leaf');
  writeFileSync(
    corpus.path('hop-leaf-partial.pem'),
    Buffer.concat(['hop-leaf.key', 'hop-leaf.pem', 'hop-int2.pem'].map((n) => corpus.read(n))),
  );
  run('x509', '-in', 'root.pem', '-outform', 'DER', '-out', 'root.cer');
  run('crl2pkcs7', '-nocrl', '-certfile', 'hop-int1.pem', '-outform', 'DER', '-out', 'hop-int1.p7c');
  run('x509', '-in', 'hop-int2.pem', '-outform', 'DER', '-out', 'hop-int2.cer');

  return {
    hopLeafPfx: 'hop-leaf.pfx',
    hopLeafPartialPem: 'hop-leaf-partial.pem',
    brokenLeafPfx: 'broken-leaf.pfx',
    publish(server, { slowMs, hugeBytes }) {
      server.route(AIA_PATHS.root, { body: corpus.read('root.cer') });
      server.route(AIA_PATHS.int1, {
        body: corpus.read('hop-int1.p7c'),
        contentType: 'application/pkcs7-mime',
      });
      server.route(AIA_PATHS.int2, { body: corpus.read('hop-int2.cer') });
      server.route(AIA_PATHS.slow, { body: corpus.read('hop-int2.cer'), delayMs: slowMs });
      server.route(AIA_PATHS.huge, { body: Buffer.alloc(hugeBytes, 0x30) });
      // A real certificate, but not the issuer: the corpus' other intermediate.
      server.route(AIA_PATHS.wrong, { body: corpus.read('intermediate.cer') });
    },
  };
}
