/**
 * What the Console and the agent show about a certificate — types only, so the renderer can
 * import them without pulling in Node (the parser that fills them lives next door and is
 * Node-only). Every field is plain JSON: it crosses IPC and the management API as is.
 */
import type { CertCode } from './codes.ts';

/** Where a certificate came from; a tag the caller chooses when it hands certificates in. */
export type CertSource = 'file' | 'library' | 'aia' | 'system';

export interface CertName {
  /** The common name, when the name has one. */
  cn?: string;
  /** RFC 4514 style, most specific first: `CN=www.example.com, O=Example, C=US`. */
  dn: string;
}

export interface CertSummary {
  subject: CertName;
  issuer: CertName;
  /** Subject alternative names: the names browsers actually check. */
  sans: { dns: string[]; ip: string[] };
  /** Upper-case hex, as OpenSSL prints it. */
  serial: string;
  /** ISO 8601. */
  notBefore: string;
  /** ISO 8601. */
  notAfter: string;
  /** `RSA 2048`, `EC P-256`, `Ed25519` … */
  keyType: string;
  /** e.g. `sha256WithRSAEncryption`. */
  signatureAlgorithm: string;
  /** SHA-256 over the DER, colon-separated upper-case hex. */
  fingerprint: string;
  /** basicConstraints CA:TRUE. */
  isCA: boolean;
  /** Issued by itself (subject = issuer and its own key verifies the signature). */
  selfSigned: boolean;
  /** AIA caIssuers URLs: where the issuer certificate can be downloaded. */
  aiaCaIssuers: string[];
}

/** One problem or warning, with the code callers switch on and a sentence for the admin. */
export interface CertIssue {
  code: CertCode;
  message: string;
  /** SHA-256 fingerprint of the certificate the issue is about, when there is one. */
  fingerprint?: string;
}

export interface CertCheckResult {
  errors: CertIssue[];
  warnings: CertIssue[];
}

/** One certificate of a built chain, as it crosses to the renderer. */
export interface ChainLinkSummary {
  summary: CertSummary;
  source: CertSource;
}
