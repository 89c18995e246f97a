/**
 * The PKCS#12 key derivation function (RFC 7292 appendix B.2), used by the PKCS#12 MAC and
 * the legacy PKCS#12 ciphers (3DES, RC2). Written on Node's native hashes rather than forge's
 * JavaScript SHA so large iteration counts stay fast.
 *
 * Its password is a BMPString: UTF-16 big-endian with a trailing NUL — unlike PBES2, which
 * takes the UTF-8 bytes. That difference is why the same non-ASCII password opens one part of
 * a PFX and not another when an implementation gets it wrong.
 */
import { createHash } from 'node:crypto';

export type Pkcs12Digest = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export const KDF_ID = { key: 1, iv: 2, mac: 3 } as const;

const BLOCK_BYTES: Record<Pkcs12Digest, number> = {
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
};

/** PKCS#12 password bytes: UTF-16BE plus a two-byte NUL terminator (RFC 7292 B.1). */
export function bmpPassword(password: string): Buffer {
  const utf16le = Buffer.from(`${password}\0`, 'utf16le');
  return utf16le.swap16();
}

/**
 * How OpenSSL before 1.1.0 (and tools built on it) encoded passwords: each byte of the UTF-8
 * string widened to 16 bits. PFX files written that way with non-ASCII passwords only open
 * with the same mistake, so we try it after the correct encoding.
 */
export function widenedUtf8Password(password: string): Buffer {
  const utf8 = Buffer.from(password, 'utf8');
  const out = Buffer.alloc(utf8.length * 2 + 2);
  utf8.forEach((b, i) => (out[i * 2 + 1] = b));
  return out;
}

function fill(source: Buffer, blockBytes: number): Buffer {
  if (source.length === 0) return Buffer.alloc(0);
  const length = blockBytes * Math.ceil(source.length / blockBytes);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length] ?? 0;
  return out;
}

export function pkcs12Kdf(
  digest: Pkcs12Digest,
  password: Buffer,
  salt: Buffer,
  iterations: number,
  id: number,
  length: number,
): Buffer {
  const v = BLOCK_BYTES[digest];
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt, v), fill(password, v)]);
  const out: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let A = createHash(digest).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(digest).update(A).digest();
    out.push(A);
    produced += A.length;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, with B = A repeated to v bytes.
    const B = fill(A, v);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] ?? 0) + (B[k] ?? 0) + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}
