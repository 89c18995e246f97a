/**
 * PKCS#7 / CMS "certs-only" SignedData (.p7b, .p7c): what Windows exports as
 * "Cryptographic Message Syntax Standard - PKCS #7 Certificates" and `openssl crl2pkcs7 -nocrl`
 * writes. Forge's pkcs7 reader converts each certificate to a forge certificate and fails on
 * EC keys, so we walk the structure ourselves and hand the DER to Node.
 */
import { X509Certificate } from 'node:crypto';
import { children, isContext, isUniversal, oid, sequence, Tag, toDer, type Asn1 } from './asn1.ts';
import { OID } from './oids.ts';

/** ContentInfo { signedData, [0] … }. */
export function looksLikePkcs7(root: Asn1): boolean {
  if (!isUniversal(root, Tag.SEQUENCE) || !Array.isArray(root.value)) return false;
  const [type, content] = root.value;
  return isUniversal(type, Tag.OID) && isContext(content, 0) && safeOid(type) === OID.signedData;
}

function safeOid(node: Asn1): string | undefined {
  try {
    return oid(node, 'contentType');
  } catch {
    return undefined;
  }
}

export function readPkcs7Certificates(root: Asn1): X509Certificate[] {
  const [, wrapper] = sequence(root, 'ContentInfo');
  const signedData = sequence(children(wrapper, 'SignedData')[0], 'SignedData');
  // version, digestAlgorithms, encapContentInfo, then [0] IMPLICIT certificates (optional).
  const certificates = signedData.slice(3).find((node) => isContext(node, 0));
  if (!certificates) return [];
  return (
    children(certificates, 'certificates')
      // CertificateChoices may also hold attribute certificates ([1], [2]) or other formats ([3]).
      .filter((node) => isUniversal(node, Tag.SEQUENCE))
      .map((node) => new X509Certificate(toDer(node)))
  );
}
