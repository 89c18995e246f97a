import { describe, expect, it } from 'vitest';
import { nameOf, shortFingerprint, sourceText } from './cert-text.ts';

describe('cert-text', () => {
  it('shortens a SHA-256 fingerprint to its ends', () => {
    const fp = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0').toUpperCase()).join(':');
    expect(shortFingerprint(fp)).toBe('00:01:02:03…1E:1F');
    expect(shortFingerprint('AA:BB')).toBe('AA:BB');
  });

  it.each([
    ['file', 'site.pfx', 'from file "site.pfx"'],
    ['library', undefined, "from the Console's certificate library"],
    ['aia', 'http://ca.example/int.crt', 'downloaded from http://ca.example/int.crt (AIA)'],
    ['system', undefined, "from this machine's trusted roots"],
  ] as const)('source %s', (source, origin, text) => {
    expect(sourceText(source, origin)).toBe(text);
  });

  it('names a certificate by its CN, else its DN', () => {
    expect(nameOf({ cn: 'www', dn: 'CN=www, O=X' })).toBe('www');
    expect(nameOf({ dn: 'O=X, C=US' })).toBe('O=X, C=US');
  });
});
