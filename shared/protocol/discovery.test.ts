import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { encodeAgentTxt, parseAgentTxt } from './discovery.ts';

const FINGERPRINT = Array.from({ length: 32 }, (_, i) =>
  (i * 7).toString(16).padStart(2, '0').toUpperCase(),
).join(':');

function txtFor(name: string, site = 'hq') {
  return { id: randomUUID(), name, site, version: '0.1.0', fingerprint: FINGERPRINT };
}

describe('TXT records', () => {
  it('round-trip; an empty site is left out (bonjour-service cannot decode "site=") and read back as ""', () => {
    const txt = txtFor('lb 1', '');
    const encoded = encodeAgentTxt(txt);
    expect(encoded).toEqual({ id: txt.id, name: 'lb 1', version: '0.1.0', fingerprint: FINGERPRINT });
    expect(parseAgentTxt(encoded)).toEqual(txt);
  });

  it('read the fingerprint into its one form and refuse anything else', () => {
    const txt = { ...txtFor('a'), fingerprint: FINGERPRINT.toLowerCase() };
    expect(parseAgentTxt(txt)?.fingerprint).toBe(FINGERPRINT);
    expect(parseAgentTxt({ ...txt, fingerprint: FINGERPRINT.replaceAll(':', '') })?.fingerprint).toBe(
      FINGERPRINT,
    );
    expect(parseAgentTxt({ ...txt, fingerprint: 'AB:CD' })).toBeUndefined();
    expect(parseAgentTxt({ ...txt, id: undefined })).toBeUndefined();
    expect(parseAgentTxt('id=x')).toBeUndefined();
    expect(() => encodeAgentTxt({ ...txt, fingerprint: 'x' })).toThrow(/fingerprint/);
  });

  it('refuse a value that does not fit in one TXT string', () => {
    expect(() => encodeAgentTxt(txtFor('x'.repeat(251)))).toThrow(
      /name is too long for a TXT record \(256 > 255 bytes\)/,
    );
    expect(() => encodeAgentTxt(txtFor('x'.repeat(250)))).not.toThrow();
  });
});
