import { describe, expect, it } from 'vitest';
import { ObjectRef } from '../../../shared/ipc/channel.ts';
import { entryNameFromCn, nameProblem, splitNames } from './entry-name.ts';

describe('entryNameFromCn', () => {
  it.each([
    ['www.example.com', 'www-example-com'],
    ['*.example.com', 'wildcard-example-com'],
    ['  mail.contoso.local ', 'mail-contoso-local'],
    ['Exchange 2010 (CAS)', 'Exchange-2010-CAS'],
    ['..weird..', 'weird'],
    ['', 'certificate'],
    [undefined, 'certificate'],
    ['***', 'certificate'],
  ])('%s → %s', (cn, name) => {
    expect(entryNameFromCn(cn)).toBe(name);
  });

  it('fits the channel and the agent rules even for a very long CN', () => {
    const name = entryNameFromCn(`${'a'.repeat(70)}.example.com`);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(ObjectRef.safeParse(name).success).toBe(true);
    expect(nameProblem(name)).toBeUndefined();
  });
});

describe('nameProblem', () => {
  it('names what is wrong', () => {
    expect(nameProblem('web cert')).toMatch(/letters, digits/);
    expect(nameProblem('')).toBeTruthy();
    expect(nameProblem('web-cert_2025')).toBeUndefined();
  });
});

describe('splitNames', () => {
  it('splits on commas and spaces, drops empties and repeats', () => {
    expect(splitNames(' web, mail ,, web  owa')).toEqual(['web', 'mail', 'owa']);
    expect(splitNames('  ')).toEqual([]);
  });
});
