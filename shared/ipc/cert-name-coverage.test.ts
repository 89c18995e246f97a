import { describe, expect, it } from 'vitest';
import { namesNotCovered } from './cert-name-coverage.ts';

const names = (dns: string[], ip: string[] = []) => ({ dns, ip });

describe('namesNotCovered', () => {
  it.each([
    [
      'the same names',
      names(['www.example.com', 'example.com']),
      names(['example.com', 'www.example.com']),
      [],
    ],
    ['more names', names(['www.example.com']), names(['www.example.com', 'mail.example.com']), []],
    ['one lost', names(['www.example.com', 'example.com']), names(['www.example.com']), ['example.com']],
    ['case and trailing dot', names(['WWW.Example.com.']), names(['www.example.com']), []],
    [
      'a wildcard covers one label',
      names(['www.example.com', 'mail.example.com']),
      names(['*.example.com']),
      [],
    ],
    ['not the bare domain', names(['example.com']), names(['*.example.com']), ['example.com']],
    ['not two labels', names(['a.b.example.com']), names(['*.example.com']), ['a.b.example.com']],
    ['a wildcard only by itself', names(['*.example.com']), names(['www.example.com']), ['*.example.com']],
    ['IP addresses', names([], ['192.0.2.10', '192.0.2.11']), names([], ['192.0.2.10']), ['192.0.2.11']],
    [
      'everything else',
      names(['www.portico.test', 'portico.test'], ['192.0.2.10']),
      names(['mail.portico.test', 'autodiscover.portico.test']),
      ['www.portico.test', 'portico.test', '192.0.2.10'],
    ],
  ])('%s', (_what, before, after, lost) => {
    expect(namesNotCovered(before, after)).toEqual(lost);
  });
});
