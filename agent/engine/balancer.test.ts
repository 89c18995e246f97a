import { describe, expect, it } from 'vitest';
import { createScheduler, hashString, type Candidate } from './balancer.ts';

class S implements Candidate {
  readonly name: string;
  weight: number;
  active = 0;
  up = true;
  readonly hashSeed: number;
  constructor(name: string, weight = 1) {
    this.name = name;
    this.weight = weight;
    this.hashSeed = hashString(name);
  }
  isAvailable() {
    return this.up;
  }
}

const names = (list: (S | undefined)[]) => list.map((s) => s?.name ?? '-').join('');

function run(kind: Parameters<typeof createScheduler>[0], servers: S[], n: number, ip = '10.0.0.1') {
  const sched = createScheduler<S>(kind);
  return Array.from({ length: n }, () => sched.pick(servers, ip));
}

describe('round-robin', () => {
  it.each([
    [['a', 'b', 'c'], [], 'abcabc'],
    [['a', 'b', 'c'], ['b'], 'acacac'],
    [['a', 'b', 'c'], ['a', 'b', 'c'], '------'],
  ])('servers %j with %j down picks %s', (list, down, expected) => {
    const servers = list.map((n) => new S(n));
    for (const s of servers) s.up = !down.includes(s.name);
    expect(names(run('round-robin', servers, 6))).toBe(expected);
  });

  it('never picks an excluded server', () => {
    const servers = [new S('a'), new S('b')];
    const sched = createScheduler<S>('round-robin');
    const exclude = new Set([servers[0]!]);
    for (let i = 0; i < 5; i++) expect(sched.pick(servers, 'x', exclude)?.name).toBe('b');
  });
});

describe('weighted round-robin', () => {
  it.each([
    [{ a: 5, b: 1, c: 1 }, 700],
    [{ a: 3, b: 2 }, 500],
    [{ a: 1, b: 0 }, 100],
  ])('shares %j in proportion to weight', (weights, n) => {
    const servers = Object.entries(weights).map(([k, w]) => new S(k, w));
    const counts = new Map<string, number>();
    for (const s of run('weighted-round-robin', servers, n))
      counts.set(s!.name, (counts.get(s!.name) ?? 0) + 1);
    const total = Object.values(weights).reduce((a, b) => a + b, 0);
    for (const [k, w] of Object.entries(weights)) expect(counts.get(k) ?? 0).toBe((n * w) / total);
  });

  it('interleaves a heavy server instead of sending it bursts', () => {
    const servers = [new S('a', 5), new S('b', 1), new S('c', 1)];
    expect(names(run('weighted-round-robin', servers, 7))).toBe('aabacaa');
  });
});

describe('least-connections', () => {
  it('picks the server with the fewest in flight per weight', () => {
    const [a, b, c] = [new S('a'), new S('b', 2), new S('c')];
    a.active = 3;
    b.active = 4; // 2 per unit of weight
    c.active = 1;
    const sched = createScheduler<S>('least-connections');
    expect(sched.pick([a, b, c], 'x')?.name).toBe('c');
    c.up = false;
    expect(sched.pick([a, b, c], 'x')?.name).toBe('b');
  });

  it('spreads equal servers instead of always taking the first', () => {
    const servers = [new S('a'), new S('b'), new S('c')];
    expect(new Set(names(run('least-connections', servers, 3))).size).toBe(3);
  });
});

describe('source-ip hash', () => {
  it('keeps each client on one server and spreads clients', () => {
    const servers = ['a', 'b', 'c', 'd'].map((n) => new S(n));
    const sched = createScheduler<S>('source-ip-hash');
    const seen = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const ip = `192.0.2.${i % 200}`;
      const first = sched.pick(servers, ip)!.name;
      expect(sched.pick(servers, ip)!.name).toBe(first);
      seen.set(first, (seen.get(first) ?? 0) + 1);
    }
    for (const s of servers) expect(seen.get(s.name) ?? 0).toBeGreaterThan(40);
  });

  it('moves only the clients of a server that goes down', () => {
    const servers = ['a', 'b', 'c'].map((n) => new S(n));
    const sched = createScheduler<S>('source-ip-hash');
    const ips = Array.from({ length: 300 }, (_, i) => `198.51.100.${i % 250}.${i}`);
    const before = ips.map((ip) => sched.pick(servers, ip)!.name);
    servers[1]!.up = false;
    const after = ips.map((ip) => sched.pick(servers, ip)!.name);
    ips.forEach((_, i) => {
      if (before[i] !== 'b') expect(after[i]).toBe(before[i]);
      else expect(after[i]).not.toBe('b');
    });
  });
});

describe('weight 0', () => {
  it.each(['round-robin', 'weighted-round-robin', 'least-connections', 'source-ip-hash'] as const)(
    'takes no new traffic under %s',
    (kind) => {
      const servers = [new S('a'), new S('zero', 0), new S('c')];
      const sched = createScheduler<S>(kind);
      const picked = Array.from({ length: 30 }, (_, i) => sched.pick(servers, `192.0.2.${i}`)!.name);
      expect(picked).not.toContain('zero');
      expect(sched.pick([new S('only', 0)], 'x')).toBeUndefined();
    },
  );
});
