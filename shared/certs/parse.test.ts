/**
 * Every input format an admin may drop, made by openssl in a temp dir: PFX in OpenSSL 3,
 * legacy (RC2/3DES) and explicit AES variants, PEM keys in every encoding, DER, P7B — and
 * the bad inputs, each with its code.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertError } from './errors.ts';
import { combineInputs, parseCertificateInput, parsePkcs12Input } from './parse.ts';
import {
  EC_LEAF_CN,
  INTERMEDIATE_CN,
  makeCorpus,
  NON_ASCII_PASSWORD,
  PASSWORD,
  ROOT_CN,
  RSA_LEAF_CN,
  type Corpus,
} from '../../test/support/cert-corpus.ts';

let corpus: Corpus;
beforeAll(() => {
  corpus = makeCorpus();
});
afterAll(() => corpus.cleanup());

const cns = (input: ReturnType<typeof parseCertificateInput>) =>
  input.certificates.map((c) => c.summary.subject.cn).sort();
const openssl = (...args: string[]) =>
  execFileSync('openssl', args, { cwd: corpus.dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof CertError) return error.code;
    throw error;
  }
  return undefined;
}

describe('PFX / P12', () => {
  it.each([
    ['OpenSSL 3 default (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC, SHA-256 MAC)', 'rsa-default.pfx', PASSWORD],
    ['-legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', 'rsa-legacy.pfx', PASSWORD],
    ['3DES for key and certificates (Windows "TripleDES-SHA1")', 'rsa-legacy-3des.pfx', PASSWORD],
    ['-keypbe/-certpbe AES-256-CBC -macalg sha256', 'rsa-aes-sha256.pfx', PASSWORD],
    ['AES with a SHA-1 MAC', 'rsa-aes-sha1mac.pfx', PASSWORD],
    ['without a MAC', 'rsa-nomac.pfx', PASSWORD],
    ['at the iteration cap', 'rsa-many-iterations.pfx', PASSWORD],
    ['empty password', 'rsa-empty-password.pfx', ''],
    ['empty password, legacy', 'rsa-empty-password-legacy.pfx', ''],
    ['non-ASCII password', 'rsa-non-ascii.pfx', NON_ASCII_PASSWORD],
    ['non-ASCII password, legacy (BMPString KDF)', 'rsa-non-ascii-legacy.pfx', NON_ASCII_PASSWORD],
  ])('opens an RSA PFX: %s', (_label, file, password) => {
    const parsed = parseCertificateInput(corpus.read(file), { password });
    expect(parsed.format).toBe('pkcs12');
    expect(parsed.keys.map((k) => k.keyType)).toEqual(['RSA 2048']);
    expect(parsed.keys[0]?.pem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(cns(parsed)).toEqual([ROOT_CN, INTERMEDIATE_CN, RSA_LEAF_CN].sort());
    // A PFX holds a set: no order to report.
    expect(parsed.certificates.every((c) => c.position === undefined)).toBe(true);
  });

  it.each([
    ['OpenSSL 3 default', 'ec-default.pfx'],
    ['-legacy', 'ec-legacy.pfx'],
  ])('opens an EC P-256 PFX (%s) — forge alone cannot', (_label, file) => {
    const parsed = parseCertificateInput(corpus.read(file), { password: PASSWORD });
    expect(parsed.keys.map((k) => k.keyType)).toEqual(['EC P-256']);
    expect(cns(parsed)).toContain(EC_LEAF_CN);
    expect(parsed.certificates.find((c) => c.summary.subject.cn === EC_LEAF_CN)?.summary.keyType).toBe(
      'EC P-256',
    );
  });

  it('opens a PFX without the chain', () => {
    const parsed = parseCertificateInput(corpus.read('rsa-no-chain.pfx'), { password: PASSWORD });
    expect(cns(parsed)).toEqual([RSA_LEAF_CN]);
    expect(parsed.keys).toHaveLength(1);
  });

  it('opens a PFX without a key (-nokeys): certificates only', () => {
    const parsed = parseCertificateInput(corpus.read('rsa-nokeys.pfx'), { password: PASSWORD });
    expect(parsed.keys).toHaveLength(0);
    expect(parsed.certificates).toHaveLength(3);
  });

  it('treats "no password given" as the empty password, and only that', () => {
    expect(parseCertificateInput(corpus.read('rsa-empty-password.pfx')).keys).toHaveLength(1);
    expect(codeOf(() => parseCertificateInput(corpus.read('rsa-default.pfx')))).toBe('PASSWORD_REQUIRED');
    expect(codeOf(() => parseCertificateInput(corpus.read('rsa-default.pfx'), { password: '' }))).toBe(
      'WRONG_PASSWORD',
    );
  });

  it.each([
    'rsa-default.pfx',
    'rsa-legacy.pfx',
    'rsa-nomac.pfx',
    'rsa-non-ascii.pfx',
    'rsa-empty-password.pfx',
  ])('says WRONG_PASSWORD for a wrong password (%s)', (file) => {
    let error: unknown;
    try {
      parseCertificateInput(corpus.read(file), { password: 'not the password' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CertError);
    expect((error as CertError).code).toBe('WRONG_PASSWORD');
    expect((error as CertError).message).toBe(
      'the password does not open this PFX — check it; an empty password is different from none',
    );
  });

  it('does not accept the ASCII look-alike of a non-ASCII password', () => {
    expect(
      codeOf(() => parseCertificateInput(corpus.read('rsa-non-ascii.pfx'), { password: 'passwort' })),
    ).toBe('WRONG_PASSWORD');
  });

  it('keeps the friendly name', () => {
    openssl(
      'pkcs12',
      '-export',
      '-inkey',
      'leaf-rsa.key',
      '-in',
      'leaf-rsa.pem',
      '-name',
      'Exchange 2026',
      '-passout',
      `pass:${PASSWORD}`,
      '-out',
      'named.pfx',
    );
    const parsed = parseCertificateInput(corpus.read('named.pfx'), { password: PASSWORD });
    expect(parsed.certificates[0]?.friendlyName).toBe('Exchange 2026');
  });

  it('parsePkcs12Input says NOT_PKCS12, and what the file is instead', () => {
    const attempt = (file: string) => {
      try {
        parsePkcs12Input(corpus.read(file), PASSWORD);
      } catch (error) {
        return [(error as CertError).code, (error as CertError).message];
      }
      return [];
    };
    expect(attempt('leaf-rsa-fullchain.pem')).toEqual(['NOT_PKCS12', expect.stringContaining('PEM text')]);
    expect(attempt('leaf-rsa-chain.p7b')).toEqual(['NOT_PKCS12', expect.stringContaining('P7B')]);
    expect(attempt('leaf-rsa.cer')).toEqual(['NOT_PKCS12', expect.stringContaining('not PKCS#12')]);
    expect(parsePkcs12Input(corpus.read('rsa-default.pfx'), PASSWORD).keys).toHaveLength(1);
  });

  it('says UNSUPPORTED_ALGORITHM, naming the scheme, for a PFX encrypted with RC4', () => {
    openssl(
      'pkcs12',
      '-export',
      '-legacy',
      '-inkey',
      'leaf-rsa.key',
      '-in',
      'leaf-rsa.pem',
      '-certpbe',
      'PBE-SHA1-RC4-128',
      '-keypbe',
      'PBE-SHA1-RC4-128',
      '-passout',
      `pass:${PASSWORD}`,
      '-out',
      'rc4.pfx',
    );
    let error: CertError | undefined;
    try {
      parseCertificateInput(corpus.read('rc4.pfx'), { password: PASSWORD });
    } catch (e) {
      error = e as CertError;
    }
    expect(error?.code).toBe('UNSUPPORTED_ALGORITHM');
    expect(error?.message).toContain('pbeWithSHAAnd128BitRC4 (1.2.840.113549.1.12.1.1)');
  });

  it('says DAMAGED_FILE for a truncated PFX', () => {
    const pfx = corpus.read('rsa-default.pfx');
    expect(
      codeOf(() => parseCertificateInput(pfx.subarray(0, pfx.length - 300), { password: PASSWORD })),
    ).toBe('DAMAGED_FILE');
  });
});

describe('PEM, DER, P7B', () => {
  it.each([
    ['PKCS#8', 'leaf-rsa.key', 'RSA 2048'],
    ['PKCS#1 (BEGIN RSA PRIVATE KEY)', 'leaf-rsa.pkcs1.key', 'RSA 2048'],
    ['SEC1 (BEGIN EC PRIVATE KEY)', 'leaf-ec.sec1.key', 'EC P-256'],
    ['PKCS#8 DER', 'leaf-ec.key.der', 'EC P-256'],
  ])('reads a %s key', (_label, file, keyType) => {
    const parsed = parseCertificateInput(corpus.read(file));
    expect(parsed.keys.map((k) => k.keyType)).toEqual([keyType]);
    expect(parsed.keys[0]?.pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('reads an encrypted PKCS#8 key (PBES2/AES-256) with its password', () => {
    expect(parseCertificateInput(corpus.read('leaf-rsa.enc.key'), { password: PASSWORD }).keys).toHaveLength(
      1,
    );
    expect(codeOf(() => parseCertificateInput(corpus.read('leaf-rsa.enc.key')))).toBe('PASSWORD_REQUIRED');
    expect(codeOf(() => parseCertificateInput(corpus.read('leaf-rsa.enc.key'), { password: 'wrong' }))).toBe(
      'WRONG_PASSWORD',
    );
  });

  it.each([
    ['PBE-SHA1-3DES', []],
    ['PBE-SHA1-RC2-40', ['-provider', 'legacy', '-provider', 'default']],
  ])('reads a PKCS#8 key encrypted with the legacy %s scheme', (scheme, providers) => {
    openssl(
      'pkcs8',
      '-topk8',
      '-in',
      'leaf-rsa.key',
      '-v1',
      scheme,
      ...providers,
      '-passout',
      `pass:${PASSWORD}`,
      '-out',
      `legacy-${scheme}.key`,
    );
    const parsed = parseCertificateInput(corpus.read(`legacy-${scheme}.key`), { password: PASSWORD });
    expect(parsed.keys.map((k) => k.keyType)).toEqual(['RSA 2048']);
  });

  it('reads a legacy encrypted PKCS#1 key (Proc-Type: 4,ENCRYPTED)', () => {
    openssl(
      'rsa',
      '-in',
      'leaf-rsa.key',
      '-traditional',
      '-aes256',
      '-passout',
      `pass:${PASSWORD}`,
      '-out',
      'legacy-enc.key',
    );
    expect(parseCertificateInput(corpus.read('legacy-enc.key'), { password: PASSWORD }).keys).toHaveLength(1);
    expect(codeOf(() => parseCertificateInput(corpus.read('legacy-enc.key')))).toBe('PASSWORD_REQUIRED');
    expect(codeOf(() => parseCertificateInput(corpus.read('legacy-enc.key'), { password: 'x' }))).toBe(
      'WRONG_PASSWORD',
    );
  });

  it('reads a PEM bundle in file order, with positions', () => {
    const parsed = parseCertificateInput(corpus.read('leaf-rsa-bundle.pem'));
    expect(parsed.format).toBe('pem');
    expect(parsed.keys).toHaveLength(1);
    expect(parsed.certificates.map((c) => [c.summary.subject.cn, c.position])).toEqual([
      [RSA_LEAF_CN, 0],
      [INTERMEDIATE_CN, 1],
    ]);
  });

  it('reads `openssl pkcs12 -nodes` output (Bag Attributes text around the blocks), CRLF and a BOM', () => {
    const dump = openssl('pkcs12', '-in', 'rsa-default.pfx', '-passin', `pass:${PASSWORD}`, '-nodes');
    expect(dump).toContain('Bag Attributes');
    const parsed = parseCertificateInput(`\uFEFF${dump.replace(/\n/g, '\r\n')}`);
    expect(parsed.keys).toHaveLength(1);
    expect(parsed.certificates).toHaveLength(3);
  });

  it('reads PEM saved as UTF-16 with a byte-order mark (Notepad "Unicode")', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(corpus.read('leaf-rsa-bundle.pem').toString('utf8'), 'utf16le'),
    ]);
    const parsed = parseCertificateInput(utf16);
    expect(parsed.keys).toHaveLength(1);
    expect(parsed.certificates).toHaveLength(2);
  });

  it('reads DER and Base-64 certificates whatever the file is called', () => {
    const der = parseCertificateInput(corpus.read('leaf-rsa.cer'));
    expect(der.format).toBe('der');
    expect(cns(der)).toEqual([RSA_LEAF_CN]);
    // Base-64 without the PEM armour.
    const bare = parseCertificateInput(
      corpus.read('leaf-rsa.cer').toString('base64').replace(/.{64}/g, '$&\n'),
    );
    expect(cns(bare)).toEqual([RSA_LEAF_CN]);
  });

  it('reads a P7B (DER) and a PEM-armoured PKCS#7', () => {
    const p7b = parseCertificateInput(corpus.read('leaf-rsa-chain.p7b'));
    expect(p7b.format).toBe('pkcs7');
    expect(cns(p7b)).toEqual([ROOT_CN, INTERMEDIATE_CN, RSA_LEAF_CN].sort());
    expect(cns(parseCertificateInput(corpus.read('chain.p7b.pem')))).toEqual(
      [ROOT_CN, INTERMEDIATE_CN].sort(),
    );
  });

  it('combines several files into one input, keeping the order across them and dropping duplicates', () => {
    const combined = combineInputs([
      parseCertificateInput(corpus.read('leaf-rsa.key')),
      parseCertificateInput(corpus.read('leaf-rsa.cer')),
      parseCertificateInput(corpus.read('leaf-rsa-fullchain.pem')),
    ]);
    expect(combined.format).toBe('mixed');
    expect(combined.keys).toHaveLength(1);
    expect(combined.certificates.map((c) => [c.summary.subject.cn, c.position])).toEqual([
      [RSA_LEAF_CN, 0],
      [INTERMEDIATE_CN, 2],
      [ROOT_CN, 3],
    ]);
  });

  it('says NOT_A_CERTIFICATE_FILE for random bytes, plain text, an empty file and a CSR', () => {
    expect(codeOf(() => parseCertificateInput(randomBytes(2048)))).toBe('NOT_A_CERTIFICATE_FILE');
    expect(codeOf(() => parseCertificateInput('just some text\n'))).toBe('NOT_A_CERTIFICATE_FILE');
    expect(codeOf(() => parseCertificateInput(Buffer.alloc(0)))).toBe('NOT_A_CERTIFICATE_FILE');
    expect(codeOf(() => parseCertificateInput(corpus.read('leaf-rsa.csr')))).toBe('NOT_A_CERTIFICATE_FILE');
  });
});

describe('summary', () => {
  it('describes a certificate the way openssl does', () => {
    const [entry] = parseCertificateInput(corpus.read('leaf-rsa.pem')).certificates;
    const s = entry?.summary;
    const fingerprint = openssl('x509', '-in', 'leaf-rsa.pem', '-noout', '-fingerprint', '-sha256')
      .trim()
      .split('=')[1];
    const serial = openssl('x509', '-in', 'leaf-rsa.pem', '-noout', '-serial').trim().split('=')[1];
    const end = openssl('x509', '-in', 'leaf-rsa.pem', '-noout', '-enddate').trim().split('=')[1] ?? '';
    expect(s).toEqual({
      subject: { cn: RSA_LEAF_CN, dn: `CN=${RSA_LEAF_CN}, O=Portico Test` },
      issuer: { cn: INTERMEDIATE_CN, dn: `CN=${INTERMEDIATE_CN}, O=Portico Test` },
      sans: { dns: ['www.portico.test', 'portico.test'], ip: ['192.0.2.10'] },
      serial,
      notBefore: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      notAfter: new Date(end).toISOString(),
      keyType: 'RSA 2048',
      signatureAlgorithm: 'sha256WithRSAEncryption',
      fingerprint,
      isCA: false,
      selfSigned: false,
      aiaCaIssuers: ['http://pki.portico.test/intermediate.crt'],
    });
  });

  it('flags CAs and self-signed roots, and names EC keys by curve', () => {
    const root = parseCertificateInput(corpus.read('root.pem')).certificates[0]?.summary;
    expect(root).toMatchObject({ isCA: true, selfSigned: true });
    const ec = parseCertificateInput(corpus.read('leaf-ec.pem')).certificates[0]?.summary;
    expect(ec).toMatchObject({
      keyType: 'EC P-256',
      signatureAlgorithm: 'sha256WithRSAEncryption',
      isCA: false,
      selfSigned: false,
    });
  });

  it('decodes UTF-8 names and escapes DN special characters', () => {
    openssl(
      'req',
      '-x509',
      '-new',
      '-key',
      'other.key',
      '-utf8',
      '-subj',
      '/O=Müller, Söhne & Co/CN=bücher.portico.test',
      '-days',
      '30',
      '-out',
      'utf8.pem',
    );
    const s = parseCertificateInput(corpus.read('utf8.pem')).certificates[0]?.summary;
    expect(s?.subject).toEqual({
      cn: 'bücher.portico.test',
      dn: 'CN=bücher.portico.test, O=Müller\\, Söhne & Co',
    });
  });
});
