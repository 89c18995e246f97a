/**
 * Reads what Node's X509Certificate does not give us in a usable form straight from the DER:
 * names as structured RDNs (Node prints them as escaped multi-line text, and mangles UTF-8 in
 * some versions), SANs, AIA caIssuers and key usage. Node-only (needs X509Certificate).
 */
import type { X509Certificate } from 'node:crypto';
import {
  Asn1ShapeError,
  Tag,
  child,
  children,
  isContext,
  isUniversal,
  octets,
  oid,
  parseDer,
  sequence,
  text,
  type Asn1,
} from './asn1.ts';
import { DN_ATTRIBUTE_NAMES, OID } from './oids.ts';

export interface NameDetails {
  cn: string | undefined;
  /** RFC 4514 order (most specific first). */
  dn: string;
  /** For comparing names: attribute types and case-folded, space-collapsed values in DER order. */
  key: string;
}

export interface CertDetails {
  subject: NameDetails;
  issuer: NameDetails;
  sans: { dns: string[]; ip: string[] };
  aiaCaIssuers: string[];
  /** undefined when the certificate has no basicConstraints extension (e.g. an X.509 v1 root). */
  basicConstraints: { ca: boolean } | undefined;
  /** undefined when the certificate has no keyUsage extension (then every use is allowed). */
  keyCertSign: boolean | undefined;
}

const cache = new WeakMap<X509Certificate, CertDetails>();

export function certDetails(cert: X509Certificate): CertDetails {
  let details = cache.get(cert);
  if (!details) {
    details = readDetails(cert.raw);
    cache.set(cert, details);
  }
  return details;
}

/** `CN=…` when there is a common name, the whole DN otherwise: how certificates are named in messages. */
export function displayName(name: { cn?: string | undefined; dn: string }): string {
  return name.cn !== undefined ? `CN=${name.cn}` : name.dn || '(empty name)';
}

function readDetails(der: Buffer): CertDetails {
  const top = sequence(parseDer(der), 'certificate');
  const tbs = sequence(top[0], 'tbsCertificate');
  // version [0] is optional (absent in v1 certificates): every later field shifts by one.
  const at = isContext(tbs[0], 0) ? 1 : 0;
  const issuer = readName(child(tbs, at + 2, 'issuer'));
  const subject = readName(child(tbs, at + 4, 'subject'));
  const details: CertDetails = {
    subject,
    issuer,
    sans: { dns: [], ip: [] },
    aiaCaIssuers: [],
    basicConstraints: undefined,
    keyCertSign: undefined,
  };
  const extensionsWrapper = tbs.slice(at + 6).find((node) => isContext(node, 3));
  if (!extensionsWrapper) return details;
  for (const extension of sequence(children(extensionsWrapper, 'extensions')[0], 'extensions')) {
    const parts = sequence(extension, 'extension');
    const id = oid(parts[0], 'extension id');
    const value = octets(parts[parts.length - 1], 'extension value');
    switch (id) {
      case OID.subjectAltName:
        for (const name of sequence(parseDer(value), 'subjectAltName')) {
          if (isContext(name, 2)) details.sans.dns.push(octets(name, 'dNSName').toString('latin1'));
          else if (isContext(name, 7)) details.sans.ip.push(formatIp(octets(name, 'iPAddress')));
        }
        break;
      case OID.authorityInfoAccess:
        for (const access of sequence(parseDer(value), 'authorityInfoAccess')) {
          const [method, location] = sequence(access, 'accessDescription');
          if (oid(method, 'accessMethod') === OID.caIssuers && isContext(location, 6)) {
            details.aiaCaIssuers.push(octets(location, 'uniformResourceIdentifier').toString('latin1'));
          }
        }
        break;
      case OID.basicConstraints: {
        const fields = sequence(parseDer(value), 'basicConstraints');
        const flag = fields[0];
        details.basicConstraints = { ca: isUniversal(flag, Tag.BOOLEAN) && octets(flag, 'cA')[0] !== 0 };
        break;
      }
      case OID.keyUsage: {
        const bits = parseDer(value);
        if (!isUniversal(bits, Tag.BIT_STRING)) throw new Asn1ShapeError('keyUsage: expected a BIT STRING');
        // Byte 0 counts unused bits; keyCertSign is bit 5 of the first content byte (0x04).
        const first = octets(bits, 'keyUsage')[1] ?? 0;
        details.keyCertSign = (first & 0x04) !== 0;
        break;
      }
    }
  }
  return details;
}

function readName(node: Asn1): NameDetails {
  const rdns: { type: string; oid: string; value: string }[][] = [];
  for (const rdn of sequence(node, 'name')) {
    if (!isUniversal(rdn, Tag.SET)) throw new Asn1ShapeError('name: expected a SET');
    rdns.push(
      children(rdn, 'rdn').map((atv) => {
        const [type, value] = sequence(atv, 'attribute');
        const id = oid(type, 'attribute type');
        if (!value) throw new Asn1ShapeError('attribute without a value');
        return { oid: id, type: DN_ATTRIBUTE_NAMES[id] ?? id, value: text(value) };
      }),
    );
  }
  const cn = rdns.flat().findLast((a) => a.type === 'CN')?.value;
  const dn = rdns
    .toReversed()
    .map((rdn) => rdn.map((a) => `${a.type}=${escapeDnValue(a.value)}`).join('+'))
    .join(', ');
  const key = rdns
    .map((rdn) =>
      rdn
        .map((a) => `${a.oid}=${a.value.trim().replace(/\s+/g, ' ').toLowerCase()}`)
        .sort()
        .join('+'),
    )
    .join('/');
  return { cn, dn, key };
}

/** RFC 4514 §2.4 escaping, so a DN with a comma in a value still reads unambiguously. */
function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

function formatIp(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return bytes.toString('hex');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  // Compress the longest run of zero groups (RFC 5952).
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
