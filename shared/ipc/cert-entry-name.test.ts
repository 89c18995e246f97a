import { describe, expect, it } from 'vitest';
import { ObjectName } from '../model/config-parts.ts';
import { Name } from '../protocol/common.ts';
import { entryNameFromCn, proposedEntryName } from './cert-entry-name.ts';

describe('entryNameFromCn', () => {
  it.each([
    ['www.example.com', 'www-example-com'],
    ['*.example.com', 'wildcard-example-com'],
    ['  mail.contoso.local ', 'mail-contoso-local'],
    // The CLI's own derivation kept a trailing "-" for these, the UI's did not: two entries.
    ['Exchange 2010 (CAS)', 'Exchange-2010-CAS'],
    ['mail.contoso.com.', 'mail-contoso-com'],
    ['..weird..', 'weird'],
    ['', 'certificate'],
    [undefined, 'certificate'],
    ['***', 'certificate'],
  ])('%s → %s', (cn, name) => {
    expect(entryNameFromCn(cn)).toBe(name);
  });

  it.each([`${'a'.repeat(70)}.example.com`, `${'a'.repeat(62)}.b`, 'é.example.com'])(
    'fits the channel and the agent rules even for %s',
    (cn) => {
      const name = entryNameFromCn(cn);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(Name.safeParse(name).success).toBe(true);
      expect(ObjectName.safeParse(name).success).toBe(true);
    },
  );
});

describe('proposedEntryName', () => {
  it("takes the leaf's CN", () => {
    const summary = (cn?: string) => ({ summary: { subject: cn === undefined ? {} : { cn } } });
    expect(proposedEntryName({ chain: [summary('www.example.com'), summary('Example CA')] })).toBe(
      'www-example-com',
    );
    expect(proposedEntryName({ chain: [summary()] })).toBe('certificate');
    expect(proposedEntryName({ chain: [] })).toBe('certificate');
  });
});
