/**
 * Errors of the certificate store itself (names, existence, use). Problems with the
 * certificate material are CertError from shared/certs, with their own codes.
 */
export const CERT_STORE_CODES = {
  INVALID_NAME: 'INVALID_NAME',
  CERT_NOT_FOUND: 'CERT_NOT_FOUND',
  CERT_IN_USE: 'CERT_IN_USE',
  /** load() of a CA bundle: it has no key to serve with. */
  NOT_A_SERVER_CERTIFICATE: 'NOT_A_SERVER_CERTIFICATE',
  /** The entry on disk is incomplete or unreadable. */
  STORE_DAMAGED: 'STORE_DAMAGED',
} as const;

export type CertStoreCode = (typeof CERT_STORE_CODES)[keyof typeof CERT_STORE_CODES];

export class CertStoreError extends Error {
  static readonly codes = CERT_STORE_CODES;
  readonly code: CertStoreCode;

  constructor(code: CertStoreCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CertStoreError';
    this.code = code;
  }
}
