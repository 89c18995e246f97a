/**
 * Authentication of the upgrade request: the Bearer token, compared in constant time, and a
 * throttle on addresses that keep presenting wrong ones.
 *
 * The token is never logged: callers log a reason ('missing', 'scheme', 'token') and the
 * token id of a *valid* token only.
 */
import { createHash } from 'node:crypto';
import { constantTimeEqual, tokenIdOf } from '../identity/token.ts';

/** Non-secret name of a token for logs and audit (first 8 hex digits of its SHA-256). */
export { tokenIdOf };

export type BearerResult = { ok: true; token: string } | { ok: false; reason: 'missing' | 'scheme' };

/** `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
export function parseBearer(header: string | undefined): BearerResult {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  const match = /^([A-Za-z]+) +(\S+) *$/.exec(header);
  if (!match || match[1]!.toLowerCase() !== 'bearer') return { ok: false, reason: 'scheme' };
  return { ok: true, token: match[2]! };
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Constant time in the presented token and in the real one (constantTimeEqual compares their
 * SHA-256 digests, 32 bytes against 32 whatever the lengths). An empty real token never
 * matches: an agent whose token could not be read must not be open to everyone.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const equal = constantTimeEqual(presented, expected);
  return equal && expected.length > 0;
}

export interface ThrottleOptions {
  /** Failures counted per address within this window (default 60 s); also the block length. */
  windowMs?: number;
  /** Failures answered without delay (typos happen; default 2). */
  freeFailures?: number;
  /** Delay before the 401 of the first slowed failure, doubling with each one (default 250 ms). */
  baseDelayMs?: number;
  /** Longest delay (default 4 s). */
  maxDelayMs?: number;
  /** From this many failures in the window the address is refused with 429 (default 10). */
  blockAfter?: number;
  /** Addresses remembered at most; the oldest are forgotten first (default 10,000). */
  maxTracked?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  windowStart: number;
  blockedUntil: number;
}

/**
 * Slows down and then blocks one address's failed attempts: the n-th failure in the window
 * waits `base · 2^(n − free − 1)` ms before its 401, and from `blockAfter` on every attempt —
 * even with the right token, so guessing gets no signal — is answered 429 until the window
 * has passed. Bounded memory: a flood of addresses evicts the oldest entries.
 */
export class AuthThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly windowMs: number;
  private readonly freeFailures: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly blockAfter: number;
  private readonly maxTracked: number;
  private readonly now: () => number;

  constructor(opts: ThrottleOptions = {}) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.freeFailures = opts.freeFailures ?? 2;
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 4_000;
    this.blockAfter = opts.blockAfter ?? 10;
    this.maxTracked = opts.maxTracked ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Whether the address may try at all right now. */
  check(address: string): { blocked: false } | { blocked: true; retryAfterMs: number } {
    const entry = this.current(address);
    if (entry && entry.blockedUntil > this.now())
      return { blocked: true, retryAfterMs: entry.blockedUntil - this.now() };
    return { blocked: false };
  }

  /** Records a failure; says how long to wait before answering it. */
  failure(address: string): { failures: number; delayMs: number; blocked: boolean } {
    const now = this.now();
    let entry = this.current(address);
    if (!entry) {
      entry = { failures: 0, windowStart: now, blockedUntil: 0 };
      if (this.entries.size >= this.maxTracked) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
    }
    // Re-insert so Map order is least recently failed first (eviction order).
    this.entries.delete(address);
    this.entries.set(address, entry);
    entry.failures++;
    const blocked = entry.failures >= this.blockAfter;
    if (blocked) entry.blockedUntil = now + this.windowMs;
    const slowed = entry.failures - this.freeFailures;
    const delayMs = slowed <= 0 ? 0 : Math.min(this.baseDelayMs * 2 ** (slowed - 1), this.maxDelayMs);
    return { failures: entry.failures, delayMs, blocked };
  }

  /** A correct token from an address that is not blocked clears its record. */
  success(address: string): void {
    this.entries.delete(address);
  }

  get tracked(): number {
    return this.entries.size;
  }

  private current(address: string): Entry | undefined {
    const entry = this.entries.get(address);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.blockedUntil <= now && now - entry.windowStart > this.windowMs) {
      this.entries.delete(address);
      return undefined;
    }
    return entry;
  }
}
