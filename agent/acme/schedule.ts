/**
 * When to renew: at two thirds of the certificate's lifetime (Let's Encrypt's advice for 90-day
 * certificates: 30 days ahead), and after a failure again with a backoff that doubles from five
 * minutes up to six hours — tighter as expiry nears, so several tries fit before it. Pure:
 * dates in, dates out, table-tested.
 */

const RETRY_BASE_MS = 5 * 60_000;
const RETRY_CAP_MS = 6 * 60 * 60_000;
/** Never hammer a CA: at least this between attempts (or a 30th of a very short lifetime). */
const RETRY_FLOOR_MS = 30_000;
/** A fresh certificate is not renewed before this (or a sixth of a very short lifetime). */
const RENEW_FLOOR_MS = 60_000;

/** Two thirds into the lifetime, and not sooner than a moment from now. */
export function renewalAt(notBefore: Date, notAfter: Date, now: Date): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  const due = notBefore.getTime() + Math.floor((lifetime * 2) / 3);
  const floor = now.getTime() + Math.min(RENEW_FLOOR_MS, Math.max(1_000, lifetime / 6));
  return new Date(Math.max(due, floor));
}

/**
 * The next try after `failures` failed attempts in a row (1 = the first failure). `notBefore`
 * and `notAfter` are the certificate still served; a third of its remaining life at most.
 */
export function retryAt(failures: number, notBefore: Date, notAfter: Date, now: Date): Date {
  const lifetime = notAfter.getTime() - notBefore.getTime();
  let delay = Math.min(RETRY_BASE_MS * 2 ** Math.max(0, failures - 1), RETRY_CAP_MS);
  const remaining = notAfter.getTime() - now.getTime();
  if (remaining > 0) delay = Math.min(delay, remaining / 3);
  delay = Math.max(delay, Math.min(RETRY_FLOOR_MS, Math.max(1_000, lifetime / 30)));
  return new Date(now.getTime() + Math.round(delay));
}
