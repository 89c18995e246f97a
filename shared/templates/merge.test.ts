import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AgentConfig } from '../model/config.ts';
import { DISCRIMINATORS, mergeWritten } from './merge.ts';

const merge = (existing: unknown, written: unknown, omitted: string[] = []) =>
  mergeWritten(existing, written, ['pools', 0], new Set(omitted));

describe('mergeWritten', () => {
  it('keeps the keys the template does not write, at every depth', () => {
    expect(
      merge(
        { name: 'web', retries: 4, healthCheck: { type: 'http', path: '/', intervalMs: 900 } },
        { name: 'web', healthCheck: { type: 'http', path: '/health' } },
      ),
    ).toEqual({ name: 'web', retries: 4, healthCheck: { type: 'http', path: '/health', intervalMs: 900 } });
  });

  it('drops a key the template writes from a parameter that has no value this time', () => {
    expect(
      merge(
        { reencrypt: { verify: 'ca', ca: 'internal', serverName: 'old.contoso.local' } },
        { reencrypt: { verify: 'ca', ca: 'internal' } },
        ['pools[0].reencrypt.serverName'],
      ),
    ).toEqual({ reencrypt: { verify: 'ca', ca: 'internal' } });
  });

  it.each(DISCRIMINATORS)('takes the template’s object as written when it picks another "%s"', (key) => {
    const existing = { inner: { [key]: 'a', onlyForA: 1, shared: 2 } };
    expect(merge(existing, { inner: { [key]: 'b', shared: 3 } })).toEqual({
      inner: { [key]: 'b', shared: 3 },
    });
    expect(merge(existing, { inner: { [key]: 'a', shared: 3 } })).toEqual({
      inner: { [key]: 'a', onlyForA: 1, shared: 3 },
    });
  });

  it('merges named lists member by member in the template’s order; members it leaves out go', () => {
    const existing = {
      servers: [
        { name: 'b', address: '10.0.0.2', port: 80, enabled: false, maxConnections: 50 },
        { name: 'a', address: '10.0.0.1', port: 80, weight: 5 },
        { name: 'old', address: '10.0.0.9', port: 80 },
      ],
    };
    const written = {
      servers: [
        { name: 'a', address: '10.0.0.1', port: 8080 },
        { name: 'b', address: '10.0.0.22', port: 8080 },
        { name: 'c', address: '10.0.0.3', port: 8080 },
      ],
    };
    expect(merge(existing, written)).toEqual({
      servers: [
        { name: 'a', address: '10.0.0.1', port: 8080, weight: 5 },
        { name: 'b', address: '10.0.0.22', port: 8080, enabled: false, maxConnections: 50 },
        { name: 'c', address: '10.0.0.3', port: 8080 },
      ],
    });
  });

  it('takes any other list, and any scalar, as the template writes it', () => {
    expect(merge({ tls: { certificates: ['old', 'extra'] } }, { tls: { certificates: ['new'] } })).toEqual({
      tls: { certificates: ['new'] },
    });
    expect(merge({ port: 80 }, { port: 443 })).toEqual({ port: 443 });
  });

  it('adds deny paths and never takes one away, even for a parameter left empty', () => {
    expect(merge({ denyPaths: ['/a'] }, { denyPaths: [] })).toEqual({ denyPaths: ['/a'] });
    expect(merge({ denyPaths: ['/a', '/b'] }, { denyPaths: ['/b', '/c'] })).toEqual({
      denyPaths: ['/a', '/b', '/c'],
    });
    expect(merge({ denyPaths: ['/a'] }, {}, ['pools[0].denyPaths'])).toEqual({ denyPaths: ['/a'] });
  });
});

describe('DISCRIMINATORS', () => {
  it('names the key of every union in the config schema (a new union must be listed)', () => {
    const found = new Set<string>();
    const seen = new Set<unknown>();
    const walk = (schema: z.core.$ZodType): void => {
      if (seen.has(schema)) return;
      seen.add(schema);
      const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === 'union' && typeof def.discriminator === 'string') found.add(def.discriminator);
      const children: unknown[] = [
        def.innerType,
        def.element,
        def.in,
        def.out,
        ...(Array.isArray(def.options) ? def.options : []),
        ...(def.type === 'object' ? Object.values(def.shape as object) : []),
      ];
      for (const child of children)
        if (child && typeof child === 'object' && '_zod' in child) walk(child as never);
    };
    walk(AgentConfig);
    expect(found.size).toBeGreaterThan(0);
    expect([...found].filter((k) => !DISCRIMINATORS.includes(k))).toEqual([]);
    expect(new Set(DISCRIMINATORS)).toEqual(found);
  });
});
