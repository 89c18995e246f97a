import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_DATA, errorCodeName } from './codes.ts';
import { EVENTS, EventNotification, TOPICS } from './events.ts';
import { METHODS } from './methods.ts';
import { parseFrameOnConsole, parseResult } from './parse-frame-on-console.ts';

describe('the method map', () => {
  it.each(Object.entries(METHODS))('%s is documented and representable as JSON Schema', (_name, spec) => {
    expect(spec.description.length).toBeGreaterThan(10);
    for (const code of spec.errors) expect(ERROR_CODES[code]).toBeDefined();
    for (const schema of [spec.params, spec.result]) {
      expect(() => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })).not.toThrow();
    }
  });

  it('has the methods the Console relies on', () => {
    expect(Object.keys(METHODS).sort()).toEqual(
      [
        'agent.info',
        'config.get',
        'config.apply',
        'config.validate',
        'config.revision',
        'config.rollback',
        'audit.list',
        'pool.upsert',
        'pool.remove',
        'virtualService.upsert',
        'virtualService.remove',
        'realServer.setEnabled',
        'cert.import',
        'cert.list',
        'cert.remove',
        'cert.request',
        'cert.renew',
        'template.list',
        'template.preview',
        'template.apply',
        'health.snapshot',
        'stats.snapshot',
        'stats.history',
        'events.subscribe',
        'events.unsubscribe',
        'ha.status',
        'ha.set',
        'ha.clear',
        'ha.failover',
      ].sort(),
    );
  });

  it('numbers errors uniquely, JSON-RPC codes and ours in the server range', () => {
    const codes = Object.values(ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code === -32700 || (code >= -32603 && code <= -32000)).toBe(true);
    expect(errorCodeName(-32002)).toBe('CONFLICT');
    for (const name of Object.keys(ERROR_DATA)) expect(name in ERROR_CODES).toBe(true);
  });

  it('has an event for each topic', () => {
    expect(Object.keys(EVENTS).sort()).toEqual([...TOPICS].sort());
  });
});

describe('parseFrameOnConsole', () => {
  const health = {
    key: 'web/a',
    pool: 'web',
    server: 'a',
    state: 'down',
    since: '2026-01-01T00:00:00.000Z',
    reason: 'connection refused',
  };

  it.each([
    [
      { jsonrpc: '2.0', id: 1, result: { revision: 3 } },
      { kind: 'result', id: 1 },
    ],
    [
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } },
      { kind: 'error', id: null },
    ],
    [{ jsonrpc: '2.0', method: 'event', params: { topic: 'health', data: health } }, { kind: 'event' }],
    [
      {
        jsonrpc: '2.0',
        method: 'event',
        params: { topic: 'health', data: { ...health, state: 'sideways' } },
      },
      { kind: 'invalid' },
    ],
    [{ jsonrpc: '2.0', method: 'event', params: { topic: 'weather', data: {} } }, { kind: 'invalid' }],
    [{ jsonrpc: '2.0', id: 1 }, { kind: 'invalid' }],
  ])('%j → %j', (frame, expected) => {
    expect(parseFrameOnConsole(JSON.stringify(frame))).toMatchObject(expected);
  });

  it('checks a result against its method', () => {
    expect(parseResult('config.apply', { revision: 2 })).toEqual({ ok: true, value: { revision: 2 } });
    expect(parseResult('config.apply', { revision: -1 })).toMatchObject({ ok: false });
  });

  it('types event payloads by topic', () => {
    const parsed = EventNotification.parse({
      jsonrpc: '2.0',
      method: 'event',
      params: {
        topic: 'config',
        data: { revision: 4, actor: { tokenId: 'ab12cd34', peer: '10.0.0.1:5000' } },
      },
    });
    if (parsed.params.topic === 'config') expect(parsed.params.data.revision).toBe(4);
  });
});
