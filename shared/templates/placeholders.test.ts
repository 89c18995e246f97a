import { describe, expect, it } from 'vitest';
import { interpolate, placeholdersIn, wholePlaceholder } from './placeholders.ts';

describe('placeholders', () => {
  it.each([
    ['{{port}}', 'port', ['port']],
    ['{{name}}-https', undefined, ['name']],
    ['{{a}}.{{b}}.{{a}}', undefined, ['a', 'b', 'a']],
    ['plain', undefined, []],
    ['{{ spaced }}', undefined, []],
  ])('%s', (text, whole, all) => {
    expect(wholePlaceholder(text)).toBe(whole);
    expect(placeholdersIn(text)).toEqual(all);
  });

  it('interpolates as text', () => {
    expect(interpolate('{{name}}-{{port}}', (n) => (n === 'name' ? 'web' : '443'))).toBe('web-443');
  });
});
