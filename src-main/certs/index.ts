/**
 * src-main/certs — the Console's side of certificates: chain completion sources (library, AIA,
 * trusted roots), the pipeline that runs shared/certs over dropped files, the worker that keeps
 * it off the main thread, and pushing the result to agents. Parsing, chain building and
 * validation live in shared/certs.
 */
export { inspectInWorker, type InspectInWorkerOptions } from './inspect-in-worker.ts';
export { inspectCertificates, type InspectDeps } from './inspect.ts';
export { CertLibrary, fingerprintKey } from './library.ts';
export { defaultLibraryDir } from './library-dir.ts';
export { AiaError, AIA_DEFAULTS, downloadCertificates, type AiaFetchOptions, type FetchLike } from './aia.ts';
export { parseTrustedRoots } from './roots.ts';
export {
  BindError,
  pushCertificate,
  pushToAgent,
  replaceCertificateEverywhere,
  type AgentPushOutcome,
  type AgentReplaceOutcome,
  type AgentRequester,
  type PushFleet,
  type PushOptions,
  type ReplaceOptions,
} from './push.ts';
export type {
  AiaAttempt,
  InspectedCert,
  InspectedFile,
  InspectFile,
  InspectIssue,
  InspectOptions,
  InspectResult,
  MissingReport,
  PushPayload,
} from './types.ts';
