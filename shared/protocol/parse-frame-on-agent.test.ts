import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './codes.ts';
import { parseFrameOnAgent } from './parse-frame-on-agent.ts';

const { PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS } = ERROR_CODES;
const req = (body: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', ...body });

describe('parseFrameOnAgent', () => {
  it.each([
    [
      'agent.info without params',
      req({ id: 1, method: 'agent.info' }),
      { id: 1, method: 'agent.info', params: {} },
    ],
    [
      'a string id',
      req({ id: 'a-1', method: 'config.get', params: {} }),
      { id: 'a-1', method: 'config.get' },
    ],
    [
      'the largest safe integer id',
      req({ id: Number.MAX_SAFE_INTEGER, method: 'agent.info' }),
      { id: Number.MAX_SAFE_INTEGER },
    ],
    [
      'params with defaults filled in',
      req({ id: 2, method: 'template.preview', params: { template: 'tcp' } }),
      { method: 'template.preview', params: { template: 'tcp', params: {} } },
    ],
    [
      'brackets inside strings do not count as nesting',
      req({ id: 3, method: 'config.validate', params: { config: { x: '['.repeat(1000) } } }),
      { method: 'config.validate' },
    ],
  ])('accepts %s', (_what, text, expected) => {
    const parsed = parseFrameOnAgent(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.request).toMatchObject(expected);
  });

  it.each([
    ['bad JSON', '{"jsonrpc":', PARSE_ERROR, null],
    ['a batch', `[${req({ id: 1, method: 'agent.info' })}]`, INVALID_REQUEST, null],
    ['a scalar', '42', INVALID_REQUEST, null],
    ['null id', req({ id: null, method: 'agent.info' }), INVALID_REQUEST, null],
    ['a notification', req({ method: 'agent.info' }), INVALID_REQUEST, null],
    [
      'an unsafe integer id',
      '{"jsonrpc":"2.0","id":9007199254740993,"method":"agent.info"}',
      INVALID_REQUEST,
      null,
    ],
    ['a fractional id', req({ id: 1.5, method: 'agent.info' }), INVALID_REQUEST, null],
    ['a 129-character id', req({ id: 'x'.repeat(129), method: 'agent.info' }), INVALID_REQUEST, null],
    ['jsonrpc 1.0', JSON.stringify({ jsonrpc: '1.0', id: 4, method: 'agent.info' }), INVALID_REQUEST, 4],
    ['an extra member', req({ id: 5, method: 'agent.info', extra: 1 }), INVALID_REQUEST, 5],
    ['65 levels of nesting', `{"a":${'['.repeat(64)}${']'.repeat(64)}}`, INVALID_REQUEST, null],
    ['an unknown method', req({ id: 6, method: 'nope' }), METHOD_NOT_FOUND, 6],
    ['a prototype member as method', req({ id: 7, method: '__proto__' }), METHOD_NOT_FOUND, 7],
    ['positional params', req({ id: 8, method: 'agent.info', params: [] }), INVALID_PARAMS, 8],
    ['null params', req({ id: 9, method: 'agent.info', params: null }), INVALID_PARAMS, 9],
    ['an unknown param', req({ id: 10, method: 'agent.info', params: { x: 1 } }), INVALID_PARAMS, 10],
    [
      'an unsafe integer where an integer is expected',
      '{"jsonrpc":"2.0","id":11,"method":"virtualService.remove","params":{"name":"a","expectRevision":1e16}}',
      INVALID_PARAMS,
      11,
    ],
  ])('refuses %s', (_what, text, code, id) => {
    const parsed = parseFrameOnAgent(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.error.code).toBe(code);
      expect(parsed.error.id).toBe(id);
      expect(parsed.error.jsonrpc).toBe('2.0');
    }
  });

  it('names the field and the reason of invalid params', () => {
    const parsed = parseFrameOnAgent(
      req({
        id: 1,
        method: 'realServer.setEnabled',
        params: { pool: 'web', server: 'a', enabled: 'no' },
      }),
    );
    expect(parsed).toMatchObject({
      ok: false,
      error: {
        error: {
          code: INVALID_PARAMS,
          // Plain words, and no method name: the message reaches admins.
          message: 'the request is not valid: enabled: write true or false here, not "no"',
          data: {
            problems: [{ path: 'enabled', where: 'enabled', message: 'write true or false here, not "no"' }],
          },
        },
      },
    });
  });

  it('says that batches are not supported', () => {
    const parsed = parseFrameOnAgent('[]');
    expect(!parsed.ok && parsed.error.error.message).toMatch(/batch requests are not supported/);
  });

  it('cuts what it echoes back', () => {
    const parsed = parseFrameOnAgent(req({ id: 1, method: 'm'.repeat(100) }));
    expect(!parsed.ok && parsed.error.error.message.length).toBeLessThan(250);
    const many = parseFrameOnAgent(
      req({
        id: 1,
        method: 'agent.info',
        params: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])),
      }),
    );
    expect(!many.ok && JSON.stringify(many.error).length).toBeLessThan(20_000);
  });

  it('refuses frames beyond maxChars before parsing', () => {
    const parsed = parseFrameOnAgent(req({ id: 1, method: 'agent.info' }), { maxChars: 10 });
    expect(!parsed.ok && parsed.error.error.code).toBe(INVALID_REQUEST);
  });

  it('scans a million brackets without recursion', () => {
    const parsed = parseFrameOnAgent('['.repeat(1_000_000));
    expect(!parsed.ok && parsed.error.error.code).toBe(INVALID_REQUEST);
  });
});
