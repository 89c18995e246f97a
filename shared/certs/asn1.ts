/**
 * Thin helpers over node-forge's ASN.1 reader, which we use for structure only (PKCS#12,
 * PKCS#7, certificate extensions). Forge hands bytes around as "binary strings"; these
 * helpers convert at the edge so the rest of the code works with Buffers.
 */
import forge from 'node-forge';

export type Asn1 = forge.asn1.Asn1;

export const asn1 = forge.asn1;
export const Tag = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE: 19,
  T61: 20,
  IA5: 22,
  UTC_TIME: 23,
  GENERALIZED_TIME: 24,
  UNIVERSAL: 28,
  BMP: 30,
} as const;

/** Thrown for structures that do not have the expected shape; callers turn it into a CertError. */
export class Asn1ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Asn1ShapeError';
  }
}

/**
 * Parses DER (and the BER that Windows sometimes writes: indefinite lengths, constructed
 * OCTET STRINGs). BIT STRINGs are not decoded speculatively: a certificate's signature could
 * look like ASN.1 and forge would then re-encode it differently.
 */
export function parseDer(data: Buffer | Uint8Array, options: { parseAllBytes?: boolean } = {}): Asn1 {
  const bytes = forge.util.createBuffer(
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('binary'),
  );
  const fromDer = forge.asn1.fromDer as unknown as (
    b: forge.util.ByteBuffer,
    o: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean },
  ) => Asn1;
  return fromDer(bytes, {
    strict: true,
    parseAllBytes: options.parseAllBytes ?? true,
    decodeBitStrings: false,
  });
}

export function toDer(node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

export function isUniversal(node: Asn1 | undefined, type: number): node is Asn1 {
  return node !== undefined && node.tagClass === forge.asn1.Class.UNIVERSAL && node.type === type;
}

export function isContext(node: Asn1 | undefined, tag: number): node is Asn1 {
  return node !== undefined && node.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && node.type === tag;
}

export function children(node: Asn1 | undefined, what: string): Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Asn1ShapeError(`${what}: expected a constructed value`);
  return node.value;
}

export function sequence(node: Asn1 | undefined, what: string): Asn1[] {
  if (!isUniversal(node, Tag.SEQUENCE)) throw new Asn1ShapeError(`${what}: expected a SEQUENCE`);
  return children(node, what);
}

export function child(list: Asn1[], index: number, what: string): Asn1 {
  const node = list[index];
  if (!node) throw new Asn1ShapeError(`${what}: missing element ${index}`);
  return node;
}

/** Content bytes of a primitive value, or of a constructed (BER, chunked) string. */
export function octets(node: Asn1 | undefined, what: string): Buffer {
  if (!node) throw new Asn1ShapeError(`${what}: missing`);
  if (Array.isArray(node.value)) return Buffer.concat(node.value.map((part) => octets(part, what)));
  return Buffer.from(node.value, 'binary');
}

export function oid(node: Asn1 | undefined, what: string): string {
  if (!isUniversal(node, Tag.OID) || typeof node.value !== 'string')
    throw new Asn1ShapeError(`${what}: expected an OID`);
  return forge.asn1.derToOid(node.value);
}

/** A non-negative INTEGER small enough for a JS number (iteration counts, versions, lengths). */
export function integer(node: Asn1 | undefined, what: string): number {
  if (!isUniversal(node, Tag.INTEGER)) throw new Asn1ShapeError(`${what}: expected an INTEGER`);
  const bytes = octets(node, what);
  if (bytes.length === 0 || bytes.length > 7 || (bytes[0] ?? 0) & 0x80) {
    throw new Asn1ShapeError(`${what}: integer out of range`);
  }
  return bytes.reduce((n, b) => n * 256 + b, 0);
}

/** Decodes the string types that appear in names and general names. */
export function text(node: Asn1): string {
  const bytes = octets(node, 'string');
  switch (node.type as number) {
    case Tag.BMP:
      return bytes.length % 2 === 0
        ? Buffer.from(bytes).swap16().toString('utf16le')
        : bytes.toString('latin1');
    case Tag.UNIVERSAL: {
      let out = '';
      for (let i = 0; i + 3 < bytes.length; i += 4) out += String.fromCodePoint(bytes.readUInt32BE(i));
      return out;
    }
    case Tag.UTF8:
      return bytes.toString('utf8');
    default:
      // PrintableString, IA5String, TeletexString (in practice Latin-1), VisibleString …
      return bytes.toString('latin1');
  }
}

/** One AlgorithmIdentifier: its OID and the parameters node, if any. */
export function algorithm(node: Asn1 | undefined, what: string): { oid: string; params: Asn1 | undefined } {
  const parts = sequence(node, what);
  return { oid: oid(parts[0], `${what} algorithm`), params: parts[1] };
}
