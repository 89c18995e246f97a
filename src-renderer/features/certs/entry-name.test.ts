import { describe, expect, it } from 'vitest';
import { entryNameFromCn } from '../../../shared/ipc/cert-entry-name.ts';
import { nameProblem, splitNames } from './entry-name.ts';

describe('nameProblem', () => {
  it('names what is wrong', () => {
    expect(nameProblem('web cert')).toMatch(/letters, digits/);
    expect(nameProblem('')).toBeTruthy();
    expect(nameProblem('web-cert_2025')).toBeUndefined();
    // Whatever the CN, the name the panel proposes passes the panel's own check.
    expect(nameProblem(entryNameFromCn(`${'a'.repeat(70)}.example.com`))).toBeUndefined();
  });
});

describe('splitNames', () => {
  it('splits on commas and spaces, drops empties and repeats', () => {
    expect(splitNames(' web, mail ,, web  owa')).toEqual(['web', 'mail', 'owa']);
    expect(splitNames('  ')).toEqual([]);
  });
});
