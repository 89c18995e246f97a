/**
 * What goes wrong getting a certificate from an ACME CA, with a stable code (callers switch on
 * it, never on the text) and the name — and, when the CA's problem is about one, the domain —
 * it concerns. Messages are written for the admin who asked.
 */
export const ACME_CODES = {
  /** The request itself is wrong: an unknown directory, a service that cannot be bound. */
  INVALID: 'INVALID',
  /** No certificate of that name is renewed by the agent. */
  NOT_FOUND: 'NOT_FOUND',
  /** The CA refused: an identifier, a validation (which domain, the problem document), issuance. */
  CA_REFUSED: 'CA_REFUSED',
  /** The CA could not be reached or answered nonsense. */
  UNREACHABLE: 'UNREACHABLE',
} as const;

export type AcmeCode = (typeof ACME_CODES)[keyof typeof ACME_CODES];

export class AcmeError extends Error {
  static readonly codes = ACME_CODES;
  readonly code: AcmeCode;
  /** The domain the CA could not validate, when the problem is about one. */
  readonly domain: string | undefined;
  /** The RFC 8555 problem type, when the CA sent one. */
  readonly type: string | undefined;

  constructor(
    code: AcmeCode,
    message: string,
    options: { domain?: string | undefined; type?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AcmeError';
    this.code = code;
    this.domain = options.domain;
    this.type = options.type;
  }
}
