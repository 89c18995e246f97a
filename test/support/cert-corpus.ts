/**
 * The certificate corpus: real certificates, keys, PFX and P7B files in a temporary directory
 * (nothing with a private key is checked in), for the tests of shared/certs, agent/certs and the
 * Console's certificate pipeline; each test file builds it once in beforeAll. The certificates
 * come from the one generator, pki.ts; this file names them, packs them into every format an
 * admin drops on the Console (PFX variants, PEM bundles, DER, P7B) and makes the bad cases.
 *
 * root (RSA) → intermediate (RSA) → leaf-rsa (RSA 2048) and leaf-ec (EC P-256), plus the bad
 * cases: an expired, a soon-expiring and a not-yet-valid leaf, a leaf under an intermediate
 * without CA rights, an impostor intermediate (same name, other key), a self-signed leaf.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_KDF_ITERATIONS } from '../../shared/certs/kdf-limits.ts';
import { TestPki, type Issued } from './pki.ts';

export const PASSWORD = 'Portico-Test-1';
export const NON_ASCII_PASSWORD = 'pässwörd€';
export const ROOT_CN = 'Portico Test Root CA';
export const INTERMEDIATE_CN = 'Portico Test Intermediate CA';
export const RSA_LEAF_CN = 'www.portico.test';
export const EC_LEAF_CN = 'mail.portico.test';

export interface Corpus {
  dir: string;
  path(name: string): string;
  read(name: string): Buffer;
  cleanup(): void;
}

const ORG = '/O=Portico Test';
const CA = ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign'];
const INTERMEDIATE = [
  'basicConstraints = critical, CA:TRUE, pathlen:0',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
  'authorityInfoAccess = caIssuers;URI:http://pki.portico.test/root.crt',
];
const LEAF_RSA = [
  'basicConstraints = critical, CA:FALSE',
  'keyUsage = critical, digitalSignature, keyEncipherment',
  'extendedKeyUsage = serverAuth',
  'subjectAltName = DNS:www.portico.test, DNS:portico.test, IP:192.0.2.10',
  'authorityInfoAccess = caIssuers;URI:http://pki.portico.test/intermediate.crt',
];

export function makeCorpus(): Corpus {
  const dir = mkdtempSync(join(tmpdir(), 'portico-certs-'));
  const path = (name: string) => join(dir, name);
  const ossl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const write = (name: string, data: string | Buffer) => writeFileSync(path(name), data);
  const cat = (out: string, ...names: string[]) =>
    write(out, Buffer.concat(names.map((n) => readFileSync(path(n)))));
  /** `<name>.pem` and `<name>.key` in the corpus directory. */
  const keep = (name: string, issued: Issued) => {
    write(`${name}.pem`, issued.cert);
    write(`${name}.key`, issued.key);
    return issued;
  };

  // The certificates, from the one generator.
  const pki = new TestPki();
  try {
    const root = keep(
      'root',
      pki.root(ROOT_CN, 'rsa', {
        subject: `${ORG}/CN=${ROOT_CN}`,
        days: 3650,
        extensions: [...CA, 'subjectKeyIdentifier = hash'],
      }),
    );
    const intermediateOf = (cn: string) =>
      pki.issue(root, {
        cn,
        subject: `${ORG}/CN=${cn}`,
        keyType: 'rsa',
        days: 1825,
        extensions: INTERMEDIATE,
      });
    const intermediate = keep('intermediate', intermediateOf(INTERMEDIATE_CN));
    const leafRsa = keep(
      'leaf-rsa',
      pki.issue(intermediate, {
        cn: RSA_LEAF_CN,
        subject: `${ORG}/CN=${RSA_LEAF_CN}`,
        keyType: 'rsa',
        days: 365,
        extensions: LEAF_RSA,
      }),
    );
    keep(
      'leaf-ec',
      pki.issue(intermediate, {
        cn: EC_LEAF_CN,
        subject: `${ORG}/CN=${EC_LEAF_CN}`,
        keyType: 'ec',
        days: 365,
        extensions: [
          'basicConstraints = critical, CA:FALSE',
          'keyUsage = critical, digitalSignature',
          'extendedKeyUsage = serverAuth',
          'subjectAltName = DNS:mail.portico.test, DNS:autodiscover.portico.test',
        ],
      }),
    );
    // An impostor intermediate: the real one's name, another key, also signed by the root.
    keep('impostor', intermediateOf(INTERMEDIATE_CN));
    // A leaf issued by a certificate that is not a CA.
    const notACa = keep(
      'not-a-ca',
      pki.issue(root, {
        cn: 'Portico Test Not A CA',
        subject: `${ORG}/CN=Portico Test Not A CA`,
        keyType: 'rsa',
        days: 365,
        extensions: [
          'basicConstraints = critical, CA:FALSE',
          'keyUsage = critical, digitalSignature, keyEncipherment',
          'subjectKeyIdentifier = hash',
        ],
      }),
    );
    keep(
      'under-not-a-ca',
      pki.issue(notACa, {
        cn: 'under.portico.test',
        subject: `${ORG}/CN=under.portico.test`,
        keyType: 'rsa',
        days: 365,
        extensions: ['basicConstraints = critical, CA:FALSE', 'subjectAltName = DNS:other.portico.test'],
      }),
    );
    // Dates, over the RSA leaf's key (so its bundles match): expired, not yet valid, expiring soon.
    const dated = (cn: string, dates: { notBefore: string; notAfter: string }) =>
      pki.issue(intermediate, {
        cn,
        subject: `${ORG}/CN=${cn}`,
        key: leafRsa.key,
        ...dates,
        extensions: ['basicConstraints = critical, CA:FALSE', 'subjectAltName = DNS:www.portico.test'],
      }).cert;
    write(
      'expired.pem',
      dated('expired.portico.test', { notBefore: '20200101000000Z', notAfter: '20200102000000Z' }),
    );
    write(
      'not-yet-valid.pem',
      dated('expired.portico.test', { notBefore: '20991231000000Z', notAfter: '21000101000000Z' }),
    );
    write(
      'expires-soon.pem',
      pki.issue(intermediate, {
        cn: 'soon.portico.test',
        subject: `${ORG}/CN=soon.portico.test`,
        key: leafRsa.key,
        days: 10,
        extensions: LEAF_RSA,
      }).cert,
    );
    // Self-signed server certificate (as Exchange creates at install time), over another key.
    const other = pki.root('self.portico.test', 'rsa', {
      days: 365,
      extensions: [
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid:always',
        'basicConstraints = critical, CA:TRUE',
        'subjectAltName = DNS:self.portico.test',
      ],
    });
    write('other.key', other.key);
    write('self-signed.pem', other.cert);
  } finally {
    pki.cleanup();
  }

  // The files: the same keys and certificates in every format.
  cat('chain.pem', 'intermediate.pem', 'root.pem');
  cat('leaf-rsa-fullchain.pem', 'leaf-rsa.pem', 'intermediate.pem', 'root.pem');
  cat('leaf-rsa-bundle.pem', 'leaf-rsa.key', 'leaf-rsa.pem', 'intermediate.pem');
  cat('leaf-rsa-wrong-order.pem', 'root.pem', 'leaf-rsa.pem', 'intermediate.pem');
  cat('leaf-ec-bundle.pem', 'leaf-ec.key', 'leaf-ec.pem', 'intermediate.pem');

  // A certificate request, which admins sometimes drop instead of the certificate.
  ossl('req', '-new', '-key', 'leaf-rsa.key', '-subj', `${ORG}/CN=${RSA_LEAF_CN}`, '-out', 'leaf-rsa.csr');
  // Other key encodings of the same keys.
  ossl('rsa', '-in', 'leaf-rsa.key', '-traditional', '-out', 'leaf-rsa.pkcs1.key');
  ossl('ec', '-in', 'leaf-ec.key', '-out', 'leaf-ec.sec1.key');
  ossl(
    'pkcs8',
    '-topk8',
    '-in',
    'leaf-rsa.key',
    '-v2',
    'aes-256-cbc',
    '-passout',
    `pass:${PASSWORD}`,
    '-out',
    'leaf-rsa.enc.key',
  );
  ossl('pkcs8', '-topk8', '-in', 'leaf-ec.key', '-outform', 'DER', '-nocrypt', '-out', 'leaf-ec.key.der');
  ossl('x509', '-in', 'leaf-rsa.pem', '-outform', 'DER', '-out', 'leaf-rsa.cer');
  ossl('x509', '-in', 'intermediate.pem', '-outform', 'DER', '-out', 'intermediate.cer');
  ossl(
    'crl2pkcs7',
    '-nocrl',
    '-certfile',
    'leaf-rsa-fullchain.pem',
    '-outform',
    'DER',
    '-out',
    'leaf-rsa-chain.p7b',
  );
  ossl('crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-out', 'chain.p7b.pem');

  // PFX variants.
  write('password.txt', `${PASSWORD}\n`);
  write('non-ascii.txt', NON_ASCII_PASSWORD);
  const pfx = (
    out: string,
    key: string | undefined,
    cert: string,
    chain: string | undefined,
    pass: string,
    ...extra: string[]
  ) =>
    ossl(
      'pkcs12',
      '-export',
      ...(key ? ['-inkey', key] : ['-nokeys']),
      '-in',
      cert,
      ...(chain ? ['-certfile', chain] : []),
      '-passout',
      pass,
      ...extra,
      '-out',
      out,
    );
  pfx('rsa-default.pfx', 'leaf-rsa.key', 'leaf-rsa.pem', 'chain.pem', `pass:${PASSWORD}`);
  pfx('rsa-legacy.pfx', 'leaf-rsa.key', 'leaf-rsa.pem', 'chain.pem', `pass:${PASSWORD}`, '-legacy');
  pfx(
    'rsa-legacy-3des.pfx',
    'leaf-rsa.key',
    'leaf-rsa.pem',
    'chain.pem',
    `pass:${PASSWORD}`,
    '-legacy',
    '-certpbe',
    'PBE-SHA1-3DES',
    '-keypbe',
    'PBE-SHA1-3DES',
  );
  pfx(
    'rsa-aes-sha256.pfx',
    'leaf-rsa.key',
    'leaf-rsa.pem',
    'chain.pem',
    `pass:${PASSWORD}`,
    '-keypbe',
    'AES-256-CBC',
    '-certpbe',
    'AES-256-CBC',
    '-macalg',
    'sha256',
  );
  pfx(
    'rsa-aes-sha1mac.pfx',
    'leaf-rsa.key',
    'leaf-rsa.pem',
    'chain.pem',
    `pass:${PASSWORD}`,
    '-macalg',
    'sha1',
  );
  pfx('rsa-nomac.pfx', 'leaf-rsa.key', 'leaf-rsa.pem', 'chain.pem', `pass:${PASSWORD}`, '-nomac');
  // Exactly at the iteration cap: the most a file may ask for, and still opens.
  pfx(
    'rsa-many-iterations.pfx',
    'leaf-rsa.key',
    'leaf-rsa.pem',
    'chain.pem',
    `pass:${PASSWORD}`,
    '-iter',
    String(MAX_KDF_ITERATIONS),
  );
  pfx('rsa-empty-password.pfx', 'leaf-rsa.key', 'leaf-rsa.pem', 'chain.pem', 'pass:');
  pfx('rsa-empty-password-legacy.pfx', 'leaf-rsa.key', 'leaf-rsa.pem', 'chain.pem', 'pass:', '-legacy');
  pfx('rsa-non-ascii.pfx', 'leaf-rsa.key', 'leaf-rsa.pem', 'chain.pem', 'file:non-ascii.txt');
  pfx(
    'rsa-non-ascii-legacy.pfx',
    'leaf-rsa.key',
    'leaf-rsa.pem',
    'chain.pem',
    'file:non-ascii.txt',
    '-legacy',
  );
  pfx('rsa-no-chain.pfx', 'leaf-rsa.key', 'leaf-rsa.pem', undefined, `pass:${PASSWORD}`);
  pfx('rsa-nokeys.pfx', undefined, 'leaf-rsa.pem', 'chain.pem', `pass:${PASSWORD}`);
  pfx('ec-default.pfx', 'leaf-ec.key', 'leaf-ec.pem', 'chain.pem', `pass:${PASSWORD}`);
  pfx('ec-legacy.pfx', 'leaf-ec.key', 'leaf-ec.pem', 'chain.pem', `pass:${PASSWORD}`, '-legacy');

  // Bad cases, packed.
  cat('key-mismatch.pem', 'other.key', 'leaf-rsa.pem', 'intermediate.pem');
  cat('broken-link.pem', 'leaf-rsa.key', 'leaf-rsa.pem', 'impostor.pem');
  cat('not-a-ca-bundle.pem', 'under-not-a-ca.key', 'under-not-a-ca.pem', 'not-a-ca.pem');
  cat('expired-bundle.pem', 'leaf-rsa.key', 'expired.pem', 'intermediate.pem');
  cat('not-yet-valid-bundle.pem', 'leaf-rsa.key', 'not-yet-valid.pem', 'intermediate.pem');
  cat('expires-soon-bundle.pem', 'leaf-rsa.key', 'expires-soon.pem', 'intermediate.pem');
  cat('self-signed-bundle.pem', 'other.key', 'self-signed.pem');

  return {
    dir,
    path,
    read: (name) => readFileSync(path(name)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
