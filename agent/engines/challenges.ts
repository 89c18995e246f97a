/**
 * HTTP-01 answers (RFC 8555 §8.3) the data plane serves while a certificate order waits for the
 * CA: `GET /.well-known/acme-challenge/<token>` on every http and redirect service, before any
 * deny path or redirect, answered with the token's key authorization. The engines know only
 * this: a token → answer look-up, empty almost always. Who fills it (agent/acme) stays out of
 * the data plane.
 */

export const CHALLENGE_PATH = '/.well-known/acme-challenge/';

export interface ChallengeResponder {
  /** At least one challenge is pending. False almost always: then the engines look no further. */
  readonly pending: boolean;
  /** The key authorization that answers `token`, while it is pending. */
  answer(token: string): string | undefined;
  /** Every pending token and its answer, for an engine that keeps its own copy (HAProxy's map). */
  entries(): [token: string, answer: string][];
  /**
   * Called after every change; returns the way to stop. An engine whose copy updates
   * asynchronously (HAProxy's map) returns a promise: the challenge is handed to the CA once
   * it settles, so the CA never asks before the engine can answer.
   */
  onChange(listener: () => void | Promise<void>): () => void;
}
