import { describe, expect, it } from 'vitest';
import { describeProblem } from './problem.ts';
import { renewalAt, retryAt } from './schedule.ts';

const DAY = 86_400_000;
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

describe('renewalAt', () => {
  it.each([
    ['a 90-day certificate: day 60', 90 * DAY, 0, 60 * DAY],
    ['a 30-second one: at 20 s', 30_000, 0, 20_000],
    [
      'already past two thirds (issued late, clock moved): a sixth of the lifetime from now',
      30_000,
      25_000,
      30_000,
    ],
    ['a 90-day one found past due at day 70: a minute from now', 90 * DAY, 70 * DAY, 70 * DAY + 60_000],
  ])('%s', (_what, lifetime, now, expected) => {
    expect(renewalAt(at(0), at(lifetime), at(now)).getTime()).toBe(at(expected).getTime());
  });
});

describe('retryAt', () => {
  it.each([
    ['first failure at day 60 of 90: 5 minutes', 1, 90 * DAY, 60 * DAY, 5 * 60_000],
    ['fourth: 40 minutes', 4, 90 * DAY, 60 * DAY, 40 * 60_000],
    ['tenth: capped at 6 hours', 10, 90 * DAY, 60 * DAY, 6 * 3_600_000],
    ['an hour before expiry: a third of what remains', 6, 90 * DAY, 90 * DAY - 3_600_000, 1_200_000],
    ['a 30-second certificate: not sooner than a 30th of it', 1, 30_000, 29_000, 1_000],
    ['expired: the backoff, still trying', 2, 90 * DAY, 91 * DAY, 10 * 60_000],
  ])('%s', (_what, failures, lifetime, now, delay) => {
    expect(retryAt(failures, at(0), at(lifetime), at(now)).getTime() - at(now).getTime()).toBe(delay);
  });
});

describe('describeProblem', () => {
  it.each([
    [
      { type: 'urn:ietf:params:acme:error:connection', detail: 'dial tcp 127.0.0.1:80: connection refused' },
      'www.example.com',
      'www.example.com: the CA could not connect to this agent on port 80 for it — dial tcp 127.0.0.1:80: connection refused (connection)',
    ],
    [
      { type: 'urn:ietf:params:acme:error:rateLimited' },
      undefined,
      "the CA's rate limit is reached (rateLimited)",
    ],
    [{ detail: 'something odd' }, 'a.example', 'a.example: something odd'],
    [{}, undefined, 'the CA refused without saying why'],
  ])('%j for %s', (problem, domain, words) => {
    expect(describeProblem(problem, domain)).toBe(words);
  });
});
