import { describe, expect, it } from 'vitest';
import { Fingerprint, isFingerprint, normalizeFingerprint } from './fingerprint.ts';

const CANONICAL = Array.from({ length: 32 }, (_, i) =>
  (i * 7).toString(16).padStart(2, '0').toUpperCase(),
).join(':');
const BARE = CANONICAL.replaceAll(':', '');

describe('normalizeFingerprint', () => {
  it.each([
    ['the one form', CANONICAL],
    ['lower case', CANONICAL.toLowerCase()],
    ['bare hex (openssl x509 -fingerprint without colons)', BARE],
    ['bare lower-case hex', BARE.toLowerCase()],
    ['pairs separated by spaces (Windows certificate dialog)', BARE.match(/../g)!.join(' ')],
    ['surrounding white space and a line break', `  ${CANONICAL}\n`],
  ])('reads %s', (_what, text) => {
    expect(normalizeFingerprint(text)).toBe(CANONICAL);
  });

  it.each([
    ['too short', CANONICAL.slice(0, -3)],
    ['SHA-1 length', BARE.slice(0, 40)],
    ['not hex', CANONICAL.replace('0E', 'ZZ')],
    ['a colon missing', CANONICAL.replace('00:', '00')],
    ['empty', ''],
  ])('refuses %s', (_what, text) => {
    expect(normalizeFingerprint(text)).toBeUndefined();
    expect(Fingerprint.safeParse(text).success).toBe(false);
  });
});

describe('isFingerprint', () => {
  it('holds for the one form only', () => {
    expect(isFingerprint(CANONICAL)).toBe(true);
    expect(isFingerprint(CANONICAL.toLowerCase())).toBe(false);
    expect(isFingerprint(BARE)).toBe(false);
    expect(isFingerprint(undefined)).toBe(false);
  });
});

describe('Fingerprint', () => {
  it('parses any accepted spelling into the one form', () => {
    expect(Fingerprint.parse(BARE.toLowerCase())).toBe(CANONICAL);
    expect(Fingerprint.safeParse('AB:CD').error?.issues[0]?.message).toMatch(/SHA-256 fingerprint/);
  });
});
