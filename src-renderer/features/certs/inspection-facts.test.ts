import { describe, expect, it } from 'vitest';
import { inspection, LEAF } from './cert-fixtures.ts';
import { passwordIssues, sharedPasswordProblem, whyNotPushable } from './inspection-facts.ts';

describe('passwordIssues', () => {
  it('finds the files whose password is missing or wrong', () => {
    const found = passwordIssues(
      inspection({
        errors: [
          { code: 'PASSWORD_REQUIRED', message: 'needs one', file: 'a.pfx' },
          { code: 'WRONG_PASSWORD', message: 'wrong', file: 'b.pem' },
          { code: 'KEY_MISMATCH', message: 'no', file: 'c.pem' },
          { code: 'WRONG_PASSWORD', message: 'about no file' },
        ],
      }),
    );
    expect([...found.keys()]).toEqual(['a.pfx', 'b.pem']);
    expect(found.get('b.pem')?.message).toBe('wrong');
  });

  it('finds none without an inspection', () => {
    expect(passwordIssues(undefined).size).toBe(0);
  });
});

describe('sharedPasswordProblem', () => {
  it('refuses two different passwords, not one given twice or an empty one', () => {
    expect(sharedPasswordProblem(['a', 'b'])).toMatch(/share one password/);
    expect(sharedPasswordProblem(['a', 'a', ''])).toBeUndefined();
  });
});

describe('whyNotPushable', () => {
  it('says nothing when it may be pushed', () => {
    expect(whyNotPushable(inspection())).toBeUndefined();
  });

  it.each([
    [
      { errors: [{ code: 'EXPIRED' as const, message: 'expired' }] },
      'It cannot be pushed: the error above must be fixed.',
    ],
    [{ key: undefined }, /no private key was given/],
    [{ key: { keyType: 'RSA 2048', matchesLeaf: false } }, /does not belong to the leaf/],
    [{ chain: [], key: undefined }, /no certificate was found; no private key/],
    [{ chain: [LEAF] }, 'It cannot be pushed: the Console refused it.'],
  ])('names the reason (%#)', (overrides, reason) => {
    expect(whyNotPushable(inspection({ ...overrides, pushable: false }))).toMatch(reason);
  });
});
