/**
 * What a certificate inspection takes and gives, as plain data: it crosses the worker
 * boundary (structured clone) and later IPC, so no KeyObjects, no X509Certificates, no
 * functions. Types only — importing this pulls in no Node code.
 */
import type { CertIssue, CertName, CertSource, CertSummary } from '../../shared/certs/summary-types.ts';
import type { InputFormat } from '../../shared/certs/parse.ts';

/** One file the admin dropped or named. */
export interface InspectFile {
  /** Shown in messages; only the content decides the format. */
  name: string;
  data: Uint8Array;
}

export interface InspectOptions {
  /** PFX password, or the password of an encrypted key; undefined = none given. */
  password?: string;
  /** Names clients will use; each must be among the leaf's SANs. */
  expectedNames?: string[];
  /** Download missing issuers from AIA caIssuers URLs (default true). */
  aia?: boolean;
  /** How long one AIA download may take, in milliseconds (default 5000). */
  aiaTimeoutMs?: number;
  /** Largest AIA answer accepted (default 1 MiB): a certificate is ~2 KiB, a P7C a few. */
  aiaMaxBytes?: number;
  /** AIA downloads in one chain at most (default 4): real chains are 1–3 issuers deep. */
  aiaMaxHops?: number;
  /** The certificate library directory; none = no library (nothing looked up, nothing learned). */
  libraryDir?: string;
  /** Use this machine's trusted roots (Node's bundled store and the OS store; default true). */
  systemRoots?: boolean;
  /** More trusted roots (PEM text or DER/PEM bytes), e.g. a test root or a company CA. */
  trustedRoots?: (string | Uint8Array)[];
  /** A key is required even when no PFX was given (the push flow). A PFX always needs one. */
  requireKey?: boolean;
  /**
   * With requireKey: files holding only CA certificates and no key are a CA bundle (an internal
   * root a re-encrypting pool verifies its servers against), pushable without a key, instead of
   * NO_PRIVATE_KEY. A server certificate without its key is still NO_PRIVATE_KEY.
   */
  allowCaBundle?: boolean;
  /** Judge dates at this instant (ISO 8601); default now. */
  now?: string;
  /**
   * Include what `cert.import` needs (key PEM + chain PEM). Off by default so the private key
   * stays in the worker when the caller only wants to show the chain.
   */
  pushPayload?: boolean | { includeRoot?: boolean };
  /**
   * How the caller's admin adds a missing issuer and pushes anyway, for the CHAIN_INCOMPLETE
   * message (default: the app's words, CONSOLE_INCOMPLETE_HOW; the CLI names its flag).
   */
  incompleteHow?: { add: string; override: string };
}

/** A certificate of the result with where it came from. */
export interface InspectedCert {
  summary: CertSummary;
  source: CertSource;
  /** The file name (source 'file') or the URL (source 'aia') it came from. */
  origin?: string;
}

/** One AIA download and how it went. */
export interface AiaAttempt {
  url: string;
  ok: boolean;
  /** Why it gave no usable issuer, when it did not. */
  error?: string;
}

/** What is still missing when the chain cannot be completed. */
export interface MissingReport {
  /** The last certificate of the chain: the one whose issuer was not found. */
  subject: CertName;
  fingerprint: string;
  /** The name to look for. */
  issuer: CertName;
  /** The AIA caIssuers URLs of `subject` and why each gave nothing; empty when it has none. */
  aia: AiaAttempt[];
}

/** A problem or warning; `file` when it is about one input file (e.g. a wrong PFX password). */
export interface InspectIssue extends CertIssue {
  file?: string;
}

export interface InspectedFile {
  name: string;
  /** What the content turned out to be; undefined when it could not be read (see errors). */
  format?: InputFormat;
  certificates: number;
  keys: number;
  /** PEM blocks recognised and not used (CSR, CRL …). */
  ignored: string[];
}

export interface PushPayload {
  /** PKCS#8 PEM of the leaf's key; absent for a CA bundle (isCaBundle). */
  keyPem?: string;
  /**
   * Leaf first, then intermediates; the root only when asked for. A CA bundle: every CA
   * certificate given, roots included (they are what the bundle is for).
   */
  chainPem: string;
  /** The last certificate of chainPem is a root that a push may leave out (never for a CA bundle). */
  includesRoot: boolean;
  /** Set when the chain is incomplete (as InspectResult.incomplete): a push refuses it unless allowed. */
  incomplete?: InspectIssue;
}

export interface InspectResult {
  /** Leaf first. Empty when no certificate could be read. */
  chain: InspectedCert[];
  /** Ends in a self-signed root or a trusted root. */
  complete: boolean;
  /** Ends in a root this machine (or the caller) trusts. */
  trusted: boolean;
  /** Set when not complete. */
  missing?: MissingReport;
  /**
   * Set when the chain still stops before a root after the files, the library and AIA
   * (shared/certs/chain-verdict.ts): CHAIN_INCOMPLETE, naming the missing issuer. Not an error
   * (the key and chain are sound), but a push refuses it unless the admin allows it explicitly.
   */
  incomplete?: InspectIssue;
  /** The key that belongs to the leaf (or the first one given when none does). */
  key?: { keyType: string; matchesLeaf: boolean; file?: string };
  /** Input certificates that are not part of the chain. */
  unused: InspectedCert[];
  files: InspectedFile[];
  /** Every AIA download made, in order. */
  aia: AiaAttempt[];
  /** Fingerprints added to the library by this inspection. */
  learned: string[];
  errors: InspectIssue[];
  warnings: InspectIssue[];
  /**
   * Only CA certificates and no key, inspected with allowCaBundle: pushed as a CA bundle (the
   * agent stores it as kind ca-bundle, for reencrypt.ca); no chain verdict applies to it.
   */
  caBundle?: boolean;
  /**
   * Only when asked for, and only when there are no errors and the key matches the leaf (or the
   * files are a CA bundle).
   */
  push?: PushPayload;
}
