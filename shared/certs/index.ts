/**
 * shared/certs — the one certificate parser, chain builder and validator (Node-only).
 * The agent's store and the Console's certificate worker import from here; the renderer
 * imports only summary-types.ts and codes.ts, which are runtime-neutral.
 */
export { CERT_CODES, type CertCode } from './codes.ts';
export { CertError, isCertError } from './errors.ts';
export { messages, formatDate } from './messages.ts';
export type {
  CertCheckResult,
  CertIssue,
  CertName,
  CertSource,
  CertSummary,
  ChainLinkSummary,
} from './summary-types.ts';
export {
  combineInputs,
  parseCertificateInput,
  parsePkcs12Input,
  type InputFormat,
  type ParsedCertificate,
  type ParsedInput,
  type ParsedKey,
  type ParseOptions,
} from './parse.ts';
export {
  buildChain,
  completeChain,
  issuedBy,
  type ChainCandidate,
  type ChainInput,
  type ChainLink,
  type ChainResult,
  type IssuerSupplier,
  type MissingIssuer,
  type SignatureCheck,
} from './chain.ts';
export { validateChain, type ValidateOptions } from './validate.ts';
export { certName, isSelfSigned, keyTypeOf, summarize } from './summary.ts';
export { displayName } from './cert-details.ts';
export { keyToPem, spki } from './keys.ts';
