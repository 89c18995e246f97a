/**
 * The PKCS#12 KDF is ours (Node's hashes, for speed); forge has an independent JavaScript
 * implementation. Both must agree, for every digest the MAC uses and for non-ASCII input.
 */
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { bmpPassword, KDF_ID, pkcs12Kdf, widenedUtf8Password, type Pkcs12Digest } from './pkcs12-kdf.ts';

describe('PKCS#12 password encoding', () => {
  it('is UTF-16 big-endian with a trailing NUL', () => {
    expect(bmpPassword('a€').toString('hex')).toBe('006120ac0000');
    expect(bmpPassword('').toString('hex')).toBe('0000');
  });

  it('has a widened-UTF-8 variant for files written by OpenSSL before 1.1', () => {
    expect(widenedUtf8Password('ä').toString('hex')).toBe('00c300a40000');
  });
});

describe('PKCS#12 KDF (RFC 7292 B.2)', () => {
  const salt = Buffer.from('0a58cf64530d823f', 'hex');
  const digests: [Pkcs12Digest, () => forge.md.MessageDigest][] = [
    ['sha1', () => forge.md.sha1.create()],
    ['sha256', () => forge.md.sha256.create()],
    ['sha512', () => forge.md.sha512.create()],
  ];

  it.each(digests)('agrees with forge for %s', (digest, md) => {
    for (const [password, id, iterations, length] of [
      ['smeg', KDF_ID.key, 1, 24],
      ['queeg', KDF_ID.iv, 1000, 8],
      ['pässwörd€', KDF_ID.mac, 2048, 64],
      ['', KDF_ID.key, 3, 40],
    ] as const) {
      const ours = pkcs12Kdf(digest, bmpPassword(password), salt, iterations, id, length);
      const theirs = forge.pkcs12.generateKey(
        password,
        forge.util.createBuffer(salt.toString('binary')),
        id,
        iterations,
        length,
        md(),
      );
      expect(ours.toString('hex'), `${digest} ${password} ${id}`).toBe(
        forge.util.bytesToHex(theirs.getBytes()),
      );
    }
  });

  it('matches the classic published vector ("smeg", SHA-1, 1 iteration, as in Bouncy Castle\'s PKCS12 tests)', () => {
    expect(pkcs12Kdf('sha1', bmpPassword('smeg'), salt, 1, KDF_ID.key, 24).toString('hex')).toBe(
      '8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3',
    );
    expect(pkcs12Kdf('sha1', bmpPassword('smeg'), salt, 1, KDF_ID.iv, 8).toString('hex')).toBe(
      '79993dfe048d3b76',
    );
  });
});
