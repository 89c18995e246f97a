/**
 * How close a certificate is to its end, in days: the admin renews by the calendar, so "12
 * days left" says more than an instant. Pure, with `now` injectable for tests.
 */

/** Under this many days left a certificate is flagged: a renewal needs lead time (CA, change window). */
export const EXPIRING_SOON_DAYS = 30;

const DAY_MS = 86_400_000;

export type ExpiryLevel = 'expired' | 'soon' | 'ok';

/** Whole days until `notAfter` (negative once expired); NaN for a date that does not parse. */
export function daysLeft(notAfter: string, now: number = Date.now()): number {
  const end = Date.parse(notAfter);
  return Number.isNaN(end) ? NaN : Math.floor((end - now) / DAY_MS);
}

export function expiryLevel(notAfter: string, now: number = Date.now()): ExpiryLevel {
  const end = Date.parse(notAfter);
  // An unreadable date is treated as expired: better a false alarm than a missed renewal.
  if (Number.isNaN(end) || end <= now) return 'expired';
  return end - now < EXPIRING_SOON_DAYS * DAY_MS ? 'soon' : 'ok';
}

/** "expires in 12 days", "expires today", "expired 3 days ago". */
export function expiryText(notAfter: string, now: number = Date.now()): string {
  const end = Date.parse(notAfter);
  if (Number.isNaN(end)) return 'unknown expiry';
  if (end <= now) {
    const ago = Math.floor((now - end) / DAY_MS);
    return ago === 0 ? 'expired today' : `expired ${plural(ago, 'day')} ago`;
  }
  const left = daysLeft(notAfter, now);
  return left === 0 ? 'expires today' : `${plural(left, 'day')} left`;
}

/** Whether the certificate is not valid yet (a clock or issuance mistake worth showing). */
export function notYetValid(notBefore: string, now: number = Date.now()): boolean {
  const start = Date.parse(notBefore);
  return !Number.isNaN(start) && start > now;
}

/** The calendar date in UTC (YYYY-MM-DD): unambiguous in every locale, like the agent's logs. */
export function formatDate(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(0, 10);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
