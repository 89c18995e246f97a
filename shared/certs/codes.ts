/**
 * Stable codes for everything that can be wrong with a certificate file or chain.
 *
 * Runtime-neutral (no Node, no DOM): the renderer may import this to pick a message or an
 * icon for a code it received over IPC. The codes are part of the contract with the Console
 * and the management API — add new ones, never rename.
 */
export const CERT_CODES = {
  /** The password does not open the PFX or the encrypted key. */
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  /** The input is protected and no password was given at all. */
  PASSWORD_REQUIRED: 'PASSWORD_REQUIRED',
  /** Nothing in the input looks like a certificate, key, PFX or P7B. */
  NOT_A_CERTIFICATE_FILE: 'NOT_A_CERTIFICATE_FILE',
  /** The caller said "this is a PFX" and it is not one. */
  NOT_PKCS12: 'NOT_PKCS12',
  /** The outer format was recognised but its inside cannot be read (truncated, corrupted). */
  DAMAGED_FILE: 'DAMAGED_FILE',
  NO_PRIVATE_KEY: 'NO_PRIVATE_KEY',
  NO_CERTIFICATE: 'NO_CERTIFICATE',
  KEY_MISMATCH: 'KEY_MISMATCH',
  CHAIN_LINK_INVALID: 'CHAIN_LINK_INVALID',
  EXPIRED: 'EXPIRED',
  NOT_YET_VALID: 'NOT_YET_VALID',
  EXPIRES_SOON: 'EXPIRES_SOON',
  SELF_SIGNED_LEAF: 'SELF_SIGNED_LEAF',
  NOT_A_CA: 'NOT_A_CA',
  NAME_MISSING: 'NAME_MISSING',
  UNSUPPORTED_ALGORITHM: 'UNSUPPORTED_ALGORITHM',
  /**
   * The password-based encryption or MAC asks for more key-derivation iterations than any
   * exporter writes (kdf-limits.ts): opening it would only burn CPU.
   */
  ITERATION_COUNT_TOO_HIGH: 'ITERATION_COUNT_TOO_HIGH',
  /** The issuer of the last certificate in the chain was found nowhere (warning). */
  ISSUER_MISSING: 'ISSUER_MISSING',
  /** The certificates were given in another order than leaf → root; the builder fixed it (warning). */
  CHAIN_REORDERED: 'CHAIN_REORDERED',
  /**
   * The chain stops before a root: the issuer of its last certificate is in none of the inputs
   * and not a trusted root (chain-verdict.ts). Imports and pushes refuse it unless allowed.
   */
  CHAIN_INCOMPLETE: 'CHAIN_INCOMPLETE',
} as const;

export type CertCode = (typeof CERT_CODES)[keyof typeof CERT_CODES];
