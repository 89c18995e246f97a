import { describe, expect, it } from 'vitest';
import { HealthCheck } from './config-parts.ts';
import { couldNot, describeProblem, nameProblems, splitHostPort, whereOf } from './problems.ts';
import { describeProblems, parseAgentConfig } from './validate.ts';

/** What zod says by itself, and indexes: none of it may reach an admin. */
const RAW = [
  /Too (small|big)/i,
  /expected \w+ to (have|be)/i,
  /Invalid (input|option|string|discriminator|type)/i,
  /Unrecognized key/i,
  /received \w+/i,
  /\[\d+\]/,
  /<=|>=/,
];

const server = (extra: Record<string, unknown> = {}) => ({
  name: 'cas1',
  address: '10.0.0.5',
  port: 443,
  ...extra,
});
const pool = (extra: Record<string, unknown> = {}) => ({ name: 'cas', servers: [server()], ...extra });
const service = (extra: Record<string, unknown> = {}) => ({
  name: 'owa',
  protocol: 'http',
  listen: { address: '127.0.0.1', port: 8080 },
  pool: 'cas',
  ...extra,
});
const doc = (services: unknown[] = [service()], pools: unknown[] = [pool()]) => ({
  version: 2,
  pools,
  virtualServices: services,
});

// [what, document, a piece the first problem must say (where and what)]
const BAD: [string, unknown, RegExp][] = [
  ['an empty service name', doc([service({ name: '' })]), /service number 1, name: use 1–63 letters/],
  [
    'a listen port too big',
    doc([service({ listen: { port: 70000 } })]),
    /service "owa", listen.port: use 65535 or less/,
  ],
  [
    'a port of 0',
    doc([service(), service({ name: 'b', listen: { port: 0 } })]),
    /service "b", listen.port: use 1 or more/,
  ],
  [
    'a port in quotes',
    doc([service({ listen: { port: '443' } })]),
    /listen.port: write 443 as a number, without quotes/,
  ],
  ['a port that is text', doc([service({ listen: { port: 'https' } })]), /listen.port: enter a number/],
  // A form's number field holding text reaches the schema as NaN, never to be said as "null".
  ['a port that is NaN', doc([service({ listen: { port: Number.NaN } })]), /listen.port: enter a number/],
  [
    'a fractional weight',
    doc(undefined, [pool({ servers: [server({ weight: 1.5 })] })]),
    /pool "cas", server "cas1", weight: enter a whole number|weight: .*whole/,
  ],
  [
    'a missing port',
    doc(undefined, [pool({ servers: [server({ port: undefined })] })]),
    /pool "cas", server "cas1", port: this is required/,
  ],
  [
    'a server port too big',
    doc(undefined, [
      pool(),
      pool({ name: 'web', servers: [server(), server({ name: 'web2', port: 99999 })] }),
    ]),
    /pool "web", server "web2", port: use 65535 or less/,
  ],
  [
    'an unknown field',
    doc(undefined, [pool({ servers: [server({ wieght: 2 })] })]),
    /server "cas1": "wieght" is not a setting here: remove it or check the spelling/,
  ],
  [
    'an unknown scheduler',
    doc(undefined, [pool({ scheduler: 'random' })]),
    /pool "cas", scheduler: "random" is not one of: round-robin, /,
  ],
  [
    'an unknown protocol',
    doc([service({ protocol: 'htps' })]),
    /service "owa", protocol: "htps" is not a protocol this accepts: use one of tcp, http, https, redirect/,
  ],
  [
    'a missing protocol',
    doc([service({ protocol: undefined })]),
    /service "owa", protocol: protocol is required: use one of/,
  ],
  [
    'a deny path without /',
    doc([service({ denyPaths: ['/ok', 'ecp'] })]),
    /service "owa", denyPaths "ecp": start it with "\/"/,
  ],
  [
    'no expected status',
    doc(undefined, [pool({ healthCheck: { type: 'http', expectStatus: [] } })]),
    /pool "cas", healthCheck.expectStatus: add at least one/,
  ],
  [
    'a status out of range',
    doc(undefined, [pool({ healthCheck: { type: 'http', expectStatus: [200, 999] } })]),
    /healthCheck.expectStatus entry 2: use 599 or less/,
  ],
  [
    'an empty content rule host',
    doc([service({ contentRules: [{ name: 'mail', host: [''], pool: 'cas' }] })]),
    /service "owa", content rule "mail", host entry 1: this cannot be empty/,
  ],
  [
    'no certificate',
    doc([service({ protocol: 'https', tls: { certificates: [] } })]),
    /service "owa", tls.certificates: name at least one certificate/,
  ],
  [
    'a boolean as text',
    doc([service({ enabled: 'yes' })]),
    /service "owa", enabled: write true or false here, not "yes"/,
  ],
  [
    'a list that is not one',
    doc([service({ denyPaths: '/ecp' })]),
    /service "owa", denyPaths: write a list in \[ \] here/,
  ],
  [
    'a pool that does not exist',
    doc([service({ pool: 'nope' })]),
    /service "owa", pool: there is no pool "nope"/,
  ],
  [
    'an address with its port',
    doc(undefined, [pool({ servers: [server({ address: '10.0.0.5:8080' })] })]),
    /server "cas1", address: "10.0.0.5:8080" has a port in it: write 10.0.0.5 here and 8080 in the port field/,
  ],
  [
    'a listen address with its port',
    doc([service({ listen: { address: '[::1]:443', port: 443 } })]),
    /listen.address: "\[::1\]:443" has a port in it: write ::1 here and 443 in the port field/,
  ],
  [
    'a host name with its port',
    doc(undefined, [pool({ servers: [server({ address: 'cas1.corp.local:443' })] })]),
    /write cas1.corp.local here and 443 in the port field/,
  ],
  [
    'a version-1 file',
    {
      virtualServices: [
        {
          name: 'v1',
          protocol: 'http',
          listen: { port: 80 },
          realServers: [{ name: 'a', address: 'x', port: 70000 }],
        },
      ],
    },
    /service "v1", real server "a", port: use 65535 or less/,
  ],
  ['not an object', 'hello', /write a set of fields in \{ \} here/],
];

describe('problems in the admin’s words', () => {
  it.each(BAD)('%s', (_what, input, says) => {
    const parsed = parseAgentConfig(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const text = describeProblems(parsed.problems);
    expect(text).toMatch(says);
    for (const problem of parsed.problems) {
      for (const raw of RAW) {
        expect(problem.message).not.toMatch(raw);
        expect(problem.where ?? '').not.toMatch(raw);
      }
    }
    for (const raw of RAW) expect(text).not.toMatch(raw);
  });

  it('keeps the path programs file problems by', () => {
    const parsed = parseAgentConfig(doc([service({ listen: { port: 70000 } })]));
    expect(!parsed.ok && parsed.problems[0]).toEqual({
      path: 'virtualServices[0].listen.port',
      where: 'service "owa", listen.port',
      message: 'use 65535 or less',
    });
  });

  it('speaks the same words for a schema parsed on its own (the Console’s forms)', () => {
    const r = HealthCheck.safeParse({ type: 'http', timeoutMs: 5 });
    expect(r.error?.issues[0]?.message).toBe('use 10 or more');
  });

  it('names problems found without the document, as the engine reports them', () => {
    const problems = nameProblems(
      [{ path: 'virtualServices[1].tls.certificates', message: 'no certificate "www" in the store' }],
      doc([service(), service({ name: 'mail' })]),
    );
    expect(problems.map(describeProblem)).toEqual([
      'service "mail", tls.certificates: no certificate "www" in the store',
    ]);
    expect(describeProblem({ path: 'pools[0].servers[2]', message: 'x' })).toBe(
      'pool number 1, server number 3: x',
    );
    expect(whereOf([])).toBe('');
  });

  it.each([
    ['10.0.0.5:8080', { host: '10.0.0.5', port: 8080 }],
    ['mail.example.com:443', { host: 'mail.example.com', port: 443 }],
    ['[2001:db8::1]:443', { host: '2001:db8::1', port: 443 }],
    ['2001:db8::1', undefined],
    ['::1', undefined],
    ['10.0.0.5', undefined],
    ['host:99999', undefined],
  ])('splitHostPort(%s)', (value, expected) => {
    expect(splitHostPort(value)).toEqual(expected);
  });
});

describe('couldNot: a failed action on one agent', () => {
  it.each([
    [
      { code: 'not-connected', message: 'realServer.setEnabled: the agent is offline' },
      'could not drain fe01: the agent london is offline (or not reached yet)',
    ],
    [
      { code: 'timeout', message: 'realServer.setEnabled: no answer within 10000 ms' },
      'could not drain fe01: the agent london did not answer in time; it may still have done it',
    ],
    [
      { code: 'NOT_FOUND', message: 'realServer.setEnabled: no real server "web/fe01"' },
      'could not drain fe01 on london: no real server "web/fe01"',
    ],
  ])('%j', (failure, said) => {
    expect(couldNot('drain fe01', 'london', failure)).toBe(said);
    expect(couldNot('drain fe01', 'london', failure)).not.toMatch(/realServer\.setEnabled/);
  });
});
