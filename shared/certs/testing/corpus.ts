/**
 * Test corpus: real certificates, keys, PFX and P7B files made with the openssl CLI in a
 * temporary directory (nothing with a private key is checked in). Used by the tests of
 * shared/certs and agent/certs; each test file builds it once in beforeAll.
 *
 * root (RSA) → intermediate (RSA) → leaf-rsa (RSA 2048) and leaf-ec (EC P-256), plus the bad
 * cases: an expired, a soon-expiring and a not-yet-valid leaf, a leaf under an intermediate
 * without CA rights, an impostor intermediate (same name, other key), a self-signed leaf.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_KDF_ITERATIONS } from '../kdf-limits.ts';

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

const EXTENSIONS = `
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = caIssuers;URI:http://pki.portico.test/root.crt
[not_a_ca]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
subjectKeyIdentifier = hash
[leaf_rsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.portico.test, DNS:portico.test, IP:192.0.2.10
authorityInfoAccess = caIssuers;URI:http://pki.portico.test/intermediate.crt
[leaf_ec]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:mail.portico.test, DNS:autodiscover.portico.test
[leaf_plain]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:other.portico.test
`;

const CA_CONFIG = `
[ca]
default_ca = ca_default
[ca_default]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
default_md = sha256
policy = any
unique_subject = no
email_in_dn = no
[any]
commonName = supplied
[leaf_rsa]
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:www.portico.test
`;

export function makeCorpus(): Corpus {
  const dir = mkdtempSync(join(tmpdir(), 'portico-certs-'));
  const path = (name: string) => join(dir, name);
  const ossl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const write = (name: string, data: string | Buffer) => writeFileSync(path(name), data);
  const cat = (out: string, ...names: string[]) =>
    write(out, Buffer.concat(names.map((n) => readFileSync(path(n)))));
  write('ext.cnf', EXTENSIONS);
  write('ca.cnf', CA_CONFIG);

  const rsaKey = (name: string) =>
    ossl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name);
  const ecKey = (name: string) =>
    ossl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name);
  const csr = (key: string, cn: string, out: string) =>
    ossl('req', '-new', '-key', key, '-subj', `/O=Portico Test/CN=${cn}`, '-out', out);
  const sign = (csrName: string, ca: string, caKey: string, ext: string, out: string, days = '365') =>
    ossl(
      'x509',
      '-req',
      '-in',
      csrName,
      '-CA',
      ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-days',
      days,
      '-sha256',
      '-extfile',
      'ext.cnf',
      '-extensions',
      ext,
      '-out',
      out,
    );

  // The hierarchy.
  rsaKey('root.key');
  ossl(
    'req',
    '-x509',
    '-new',
    '-key',
    'root.key',
    '-subj',
    `/O=Portico Test/CN=${ROOT_CN}`,
    '-days',
    '3650',
    '-sha256',
    '-config',
    'ext.cnf',
    '-extensions',
    'root',
    '-out',
    'root.pem',
  );
  rsaKey('intermediate.key');
  csr('intermediate.key', INTERMEDIATE_CN, 'intermediate.csr');
  sign('intermediate.csr', 'root.pem', 'root.key', 'intermediate', 'intermediate.pem', '1825');
  rsaKey('leaf-rsa.key');
  csr('leaf-rsa.key', RSA_LEAF_CN, 'leaf-rsa.csr');
  sign('leaf-rsa.csr', 'intermediate.pem', 'intermediate.key', 'leaf_rsa', 'leaf-rsa.pem');
  ecKey('leaf-ec.key');
  csr('leaf-ec.key', EC_LEAF_CN, 'leaf-ec.csr');
  sign('leaf-ec.csr', 'intermediate.pem', 'intermediate.key', 'leaf_ec', 'leaf-ec.pem');
  cat('chain.pem', 'intermediate.pem', 'root.pem');
  cat('leaf-rsa-fullchain.pem', 'leaf-rsa.pem', 'intermediate.pem', 'root.pem');
  cat('leaf-rsa-bundle.pem', 'leaf-rsa.key', 'leaf-rsa.pem', 'intermediate.pem');
  cat('leaf-rsa-wrong-order.pem', 'root.pem', 'leaf-rsa.pem', 'intermediate.pem');
  cat('leaf-ec-bundle.pem', 'leaf-ec.key', 'leaf-ec.pem', 'intermediate.pem');

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

  // Bad cases.
  rsaKey('other.key');
  cat('key-mismatch.pem', 'other.key', 'leaf-rsa.pem', 'intermediate.pem');
  // An impostor intermediate: the real one's name, another key, also signed by the root.
  rsaKey('impostor.key');
  csr('impostor.key', INTERMEDIATE_CN, 'impostor.csr');
  sign('impostor.csr', 'root.pem', 'root.key', 'intermediate', 'impostor.pem', '1825');
  cat('broken-link.pem', 'leaf-rsa.key', 'leaf-rsa.pem', 'impostor.pem');
  // A leaf issued by a certificate that is not a CA.
  rsaKey('not-a-ca.key');
  csr('not-a-ca.key', 'Portico Test Not A CA', 'not-a-ca.csr');
  sign('not-a-ca.csr', 'root.pem', 'root.key', 'not_a_ca', 'not-a-ca.pem');
  rsaKey('under-not-a-ca.key');
  csr('under-not-a-ca.key', 'under.portico.test', 'under-not-a-ca.csr');
  sign('under-not-a-ca.csr', 'not-a-ca.pem', 'not-a-ca.key', 'leaf_plain', 'under-not-a-ca.pem');
  cat('not-a-ca-bundle.pem', 'under-not-a-ca.key', 'under-not-a-ca.pem', 'not-a-ca.pem');
  // Dates: `openssl ca` is the 3.0 CLI's way to set exact start and end dates.
  ossl(
    'req',
    '-new',
    '-key',
    'leaf-rsa.key',
    '-subj',
    `/O=Portico Test/CN=expired.portico.test`,
    '-out',
    'dated.csr',
  );
  execFileSync('mkdir', ['-p', path('ca-db')]);
  write('ca-db/index.txt', '');
  write('ca-db/serial', '1000\n');
  const dated = (out: string, start: string, end: string) =>
    ossl(
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'intermediate.pem',
      '-keyfile',
      'intermediate.key',
      '-in',
      'dated.csr',
      '-extensions',
      'leaf_rsa',
      '-extfile',
      'ca.cnf',
      '-startdate',
      start,
      '-enddate',
      end,
      '-notext',
      '-out',
      out,
    );
  dated('expired.pem', '20200101000000Z', '20200102000000Z');
  dated('not-yet-valid.pem', '20991231000000Z', '21000101000000Z');
  cat('expired-bundle.pem', 'leaf-rsa.key', 'expired.pem', 'intermediate.pem');
  cat('not-yet-valid-bundle.pem', 'leaf-rsa.key', 'not-yet-valid.pem', 'intermediate.pem');
  ossl(
    'req',
    '-new',
    '-key',
    'leaf-rsa.key',
    '-subj',
    `/O=Portico Test/CN=soon.portico.test`,
    '-out',
    'soon.csr',
  );
  sign('soon.csr', 'intermediate.pem', 'intermediate.key', 'leaf_rsa', 'expires-soon.pem', '10');
  cat('expires-soon-bundle.pem', 'leaf-rsa.key', 'expires-soon.pem', 'intermediate.pem');
  // Self-signed server certificate (as Exchange creates at install time).
  ossl(
    'req',
    '-x509',
    '-new',
    '-key',
    'other.key',
    '-subj',
    '/CN=self.portico.test',
    '-days',
    '365',
    '-addext',
    'subjectAltName=DNS:self.portico.test',
    '-out',
    'self-signed.pem',
  );
  cat('self-signed-bundle.pem', 'other.key', 'self-signed.pem');

  return {
    dir,
    path,
    read: (name) => readFileSync(path(name)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
