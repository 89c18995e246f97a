import { describe, expect, it } from 'vitest';
import { sameTarget, type HealthTarget } from './target.ts';

const base: HealthTarget = {
  key: 'owa/cas1',
  pool: 'owa',
  server: 'cas1',
  address: '10.0.0.5',
  port: 443,
  enabled: true,
  check: {
    type: 'https',
    intervalMs: 5000,
    timeoutMs: 2000,
    rise: 2,
    fall: 3,
    method: 'GET',
    path: '/owa/healthcheck.htm',
    expectStatus: [200],
  },
  tls: {
    ca: Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n'),
    servername: 'mail.example.com',
    rejectUnauthorized: true,
  },
};

/** A deep copy with fresh buffers, like a config reload produces. */
function reloaded(t: HealthTarget): HealthTarget {
  const ca = t.tls?.ca;
  return {
    ...structuredClone({ ...t, tls: undefined }),
    tls: t.tls && { ...t.tls, ca: Buffer.isBuffer(ca) ? Buffer.from(ca) : ca },
  };
}

describe('sameTarget', () => {
  it('treats a freshly built equal target as the same', () => {
    expect(sameTarget(base, reloaded(base))).toBe(true);
  });

  it.each<[string, Partial<HealthTarget>]>([
    ['address', { address: '10.0.0.6' }],
    ['port', { port: 4443 }],
    ['enabled', { enabled: false }],
    ['check path', { check: { ...base.check, path: '/' } as HealthTarget['check'] }],
    ['check port', { check: { ...base.check, port: 8443 } as HealthTarget['check'] }],
    ['expected status', { check: { ...base.check, expectStatus: [200, 204] } as HealthTarget['check'] }],
    [
      'CA bytes',
      { tls: { ca: Buffer.from('other'), servername: 'mail.example.com', rejectUnauthorized: true } },
    ],
    ['servername', { tls: { ca: base.tls?.ca, servername: 'owa.example.com', rejectUnauthorized: true } }],
    [
      'verification',
      { tls: { ca: base.tls?.ca, servername: 'mail.example.com', rejectUnauthorized: false } },
    ],
    ['tls removed', { tls: undefined }],
  ])('sees a changed %s', (_what, change) => {
    expect(sameTarget(base, { ...reloaded(base), ...change })).toBe(false);
  });
});
