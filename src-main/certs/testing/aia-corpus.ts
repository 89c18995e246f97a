/**
 * AIA test certificates, added to shared/certs' corpus (same directory, signed by its root):
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
import type { Corpus } from '../../../shared/certs/testing/corpus.ts';
import { PASSWORD } from '../../../shared/certs/testing/corpus.ts';
import type { AiaServer } from './aia-server.ts';
import { openssl } from './openssl.ts';

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
  writeFileSync(
    corpus.path('aia-ext.cnf'),
    `
[hop_int1]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
authorityInfoAccess = ${url(AIA_PATHS.root)}
[hop_int2]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
authorityInfoAccess = ${url(AIA_PATHS.int1)}
[hop_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:${HOP_LEAF_CN}
authorityInfoAccess = ${url(AIA_PATHS.int2)}
[broken_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectAltName = DNS:${BROKEN_LEAF_CN}
authorityInfoAccess = ${[AIA_PATHS.missing, AIA_PATHS.slow, AIA_PATHS.huge, AIA_PATHS.wrong].map(url).join(', ')}
`,
  );
  const issue = (name: string, cn: string, keyAlg: string[], ca: string, caKey: string, ext: string) => {
    run('genpkey', ...keyAlg, '-out', `${name}.key`);
    run('req', '-new', '-key', `${name}.key`, '-subj', `/O=Portico Test/CN=${cn}`, '-out', `${name}.csr`);
    run(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-days',
      '365',
      '-sha256',
      '-extfile',
      'aia-ext.cnf',
      '-extensions',
      ext,
      '-out',
      `${name}.pem`,
    );
  };
  const rsa = ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  const ec = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  issue('hop-int1', HOP_INT1_CN, rsa, 'root.pem', 'root.key', 'hop_int1');
  issue('hop-int2', HOP_INT2_CN, ec, 'hop-int1.pem', 'hop-int1.key', 'hop_int2');
  issue('hop-leaf', HOP_LEAF_CN, ec, 'hop-int2.pem', 'hop-int2.key', 'hop_leaf');
  issue('broken-leaf', BROKEN_LEAF_CN, ec, 'hop-int2.pem', 'hop-int2.key', 'broken_leaf');

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
