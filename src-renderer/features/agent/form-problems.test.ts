import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared/ipc/errors.ts';
import { exchangeConfig, pool, richPool, richService, service } from './agent-test-data.ts';
import { currentRevisionOf, fileProblems, parsePath, problemsFromError } from './form-problems.ts';
import {
  emptyPoolValues,
  newServerRow,
  type PoolFormValues,
  serverKey,
  toPoolValues,
} from './pool-form-model.ts';
import { poolTarget, validatePool } from './pool-form-target.ts';
import {
  emptyServiceValues,
  newRuleRow,
  ruleKey,
  type ServiceFormValues,
  toServiceValues,
} from './service-form-model.ts';
import { serviceTarget, validateService } from './service-form-target.ts';

/** cas (cookie, https check) and ad behind owa; web behind web. */
const config = exchangeConfig(4).config;

const row = (fields: Partial<PoolFormValues['servers'][number]> = {}) => ({
  ...newServerRow(),
  name: 'a',
  address: '10.0.0.5',
  port: '8080',
  ...fields,
});
const newPool = (overrides: Partial<PoolFormValues> = {}): PoolFormValues => ({
  ...emptyPoolValues(),
  name: 'app',
  ...overrides,
});
const newService = (overrides: Partial<ServiceFormValues> = {}): ServiceFormValues => ({
  ...emptyServiceValues(),
  name: 'portal',
  listenPort: '9000',
  pool: 'web',
  ...overrides,
});

describe('validatePool', () => {
  it('passes a valid new pool with the parsed document', () => {
    const checked = validatePool(newPool({ servers: [row()] }), undefined, config, undefined);
    expect(checked.ok && checked.document.servers).toEqual([
      { name: 'a', address: '10.0.0.5', port: 8080, weight: 1, enabled: true, maxConnections: 0 },
    ]);
  });

  it('files schema problems under their fields, servers by row', () => {
    const bad = row({ port: '99999' });
    const checked = validatePool(
      newPool({ name: 'no spaces', retries: '9', servers: [row({ name: 'ok' }), bad] }),
      undefined,
      config,
      undefined,
    );
    expect(!checked.ok && checked.problems).toEqual({
      fields: {
        name: 'use 1–63 letters, digits, "-" or "_", starting with a letter or digit',
        retries: 'use 5 or less',
        [serverKey(bad.rowId, 'port')]: 'use 65535 or less',
      },
      general: [],
    });
  });

  it('refuses to create a pool whose name exists (the agent would replace it)', () => {
    const checked = validatePool(newPool({ name: 'web' }), undefined, config, undefined);
    expect(!checked.ok && checked.problems.fields.name).toBe(
      '"web" exists already on this agent: edit it instead',
    );
  });

  it('finds two servers of one name at the second one', () => {
    const second = row();
    const checked = validatePool(newPool({ servers: [row(), second] }), undefined, config, undefined);
    expect(!checked.ok && checked.problems.fields).toEqual({
      [serverKey(second.rowId, 'name')]: 'real server "a" is in pool "app" twice',
    });
  });

  it('files the https-check rule under the health check type', () => {
    const checked = validatePool(newPool({ healthType: 'https' }), undefined, config, undefined);
    expect(!checked.ok && checked.problems.fields.healthType).toBe(
      'an https health check needs reencrypt settings on the pool',
    );
  });

  it('files a tcp service refusing the edited pool’s cookie persistence under persistence', () => {
    const withTcp = {
      ...config,
      virtualServices: [
        ...config.virtualServices,
        service('rdp', { protocol: 'tcp', pool: 'web', listen: { port: 3389 } }),
      ],
    };
    const values = { ...toPoolValues(pool('web')), persistence: 'cookie' as const };
    const checked = validatePool(values, pool('web'), withTcp, 'web');
    expect(!checked.ok && checked.problems.fields.persistence).toMatch(
      /pool "web" keeps clients by cookie, which needs an http or https service/,
    );
  });

  it('lists a problem with a field the form does not show, with its path', () => {
    const original = richPool();
    const broken = { ...original, servers: [{ ...original.servers[0]!, maxConnections: -1 }] };
    const values = { ...toPoolValues(original), servers: toPoolValues(broken).servers };
    const checked = validatePool(values, broken, config, 'cas');
    expect(!checked.ok && checked.problems.general).toEqual(['servers[0].maxConnections: use 0 or more']);
  });
});

describe('validateService', () => {
  it('passes a valid new service with the parsed document', () => {
    const checked = validateService(newService(), undefined, config, undefined);
    expect(checked.ok && checked.document).toMatchObject({ name: 'portal', protocol: 'http', pool: 'web' });
  });

  it('asks for the pool of a tcp service at the pool field', () => {
    const checked = validateService(newService({ protocol: 'tcp', pool: '' }), undefined, config, undefined);
    expect(!checked.ok && checked.problems.fields).toEqual({ pool: 'this is required' });
  });

  it('files a reference to a missing pool at the field that names it', () => {
    const rule = { ...newRuleRow(), name: 'api', pathPrefix: '/api', pool: 'nope' };
    const checked = validateService(newService({ rules: [rule] }), undefined, config, undefined);
    expect(!checked.ok && checked.problems.fields).toEqual({
      [ruleKey(rule.rowId, 'pool')]: 'there is no pool "nope"',
    });
  });

  it('files a rule without host or path at its hosts', () => {
    const rule = { ...newRuleRow(), name: 'all', pool: 'web' };
    const checked = validateService(newService({ rules: [rule] }), undefined, config, undefined);
    expect(!checked.ok && checked.problems.fields).toEqual({
      [ruleKey(rule.rowId, 'hosts')]: 'a content rule needs host or pathPrefix',
    });
  });

  it('refuses a tcp service on a pool that keeps clients by cookie, at the pool', () => {
    const checked = validateService(
      newService({ protocol: 'tcp', pool: 'cas' }),
      undefined,
      config,
      undefined,
    );
    expect(!checked.ok && checked.problems.fields.pool).toMatch(/keeps clients by cookie/);
  });

  it('applies the rules across services: an address:port another service listens on', () => {
    const checked = validateService(newService({ listenPort: '8080' }), undefined, config, undefined);
    expect(!checked.ok && checked.problems.fields.listenPort).toMatch(/0\.0\.0\.0:8080 is already used/);
  });

  it('lists a problem reported on another service, naming it', () => {
    // Editing owa onto web's address: zod reports it at the later service.
    const values = { ...toServiceValues(richService()), listenAddress: '0.0.0.0', listenPort: '8080' };
    const checked = validateService(values, richService(), config, 'owa');
    expect(!checked.ok && checked.problems.general).toEqual([
      'service "web", listen: 0.0.0.0:8080 is already used by "owa"; use content rules to share one address',
    ]);
  });

  it('asks for a certificate at the certificates field', () => {
    const checked = validateService(newService({ protocol: 'https' }), undefined, config, undefined);
    expect(!checked.ok && checked.problems.fields.certificates).toBe(
      'name at least one certificate from the store',
    );
  });
});

describe('problemsFromError', () => {
  const values = toServiceValues(richService());
  const target = serviceTarget(values, config, 'owa');
  const invalid = (...problems: { path: string; message: string }[]) =>
    new ConsoleError('INVALID_CONFIG', 'the configuration is not valid', {
      agentCode: 'INVALID_CONFIG',
      problems,
    });

  it("files the agent's problems at this object's index under its fields", () => {
    expect(
      problemsFromError(
        invalid(
          { path: 'virtualServices[0].listen.port', message: 'port 443 is in use' },
          { path: 'virtualServices[0].contentRules[0].pool', message: 'gone' },
        ),
        target,
      ),
    ).toEqual({
      fields: { listenPort: 'port 443 is in use', [ruleKey(values.rules[0]!.rowId, 'pool')]: 'gone' },
      general: [],
    });
  });

  it('lists whole-object and other-object problems, labelled with their names', () => {
    expect(
      problemsFromError(
        invalid(
          { path: 'virtualServices[0]', message: 'certificate "x" is not in the store' },
          { path: 'virtualServices[1].listen', message: 'taken' },
          { path: 'pools[0].reencrypt', message: 'CA "corp-root" is not in the store' },
          { path: '', message: 'too many services' },
        ),
        target,
      )?.general,
    ).toEqual([
      'this service: certificate "x" is not in the store',
      'service "web", listen: taken',
      'pool "cas", reencrypt: CA "corp-root" is not in the store',
      'configuration: too many services',
    ]);
  });

  it('places a new pool at the end of its list, and reads pools[i] paths for it', () => {
    const fresh = newPool({ servers: [row()] });
    const filed = problemsFromError(
      invalid(
        { path: 'pools[3].servers[0].address', message: 'cannot resolve' },
        { path: 'pools[3]', message: 'the engine refuses it' },
      ),
      poolTarget(fresh, config, undefined),
    );
    expect(filed).toEqual({
      fields: { [serverKey(fresh.servers[0]!.rowId, 'address')]: 'cannot resolve' },
      general: ['this pool: the engine refuses it'],
    });
  });

  it("files the Console's own param problems under the object's fields", () => {
    const error = new ConsoleError('INVALID_PARAMS', 'bad', {
      problems: [
        { path: 'virtualService.name', message: 'too long' },
        { path: 'expectRevision', message: 'expected number' },
      ],
    });
    expect(problemsFromError(error, target)).toEqual({
      fields: { name: 'too long' },
      general: ['expectRevision: expected number'],
    });
  });

  it.each([
    ['another code', new ConsoleError('AGENT_OFFLINE', 'offline')],
    ['details without problems', new ConsoleError('INVALID_CONFIG', 'x', { agentCode: 'INVALID_CONFIG' })],
    ['a plain error', new Error('boom')],
  ])('has nothing to file for %s', (_name, error) => {
    expect(problemsFromError(error, target)).toBeUndefined();
  });
});

describe('paths, revisions and usedBy', () => {
  it('parses a dotted path with indexes', () => {
    expect(parsePath('virtualServices[0].contentRules[12].host[1]')).toEqual([
      'virtualServices',
      0,
      'contentRules',
      12,
      'host',
      1,
    ]);
    expect(parsePath('')).toEqual([]);
  });

  it('reads the current revision of a CONFLICT only', () => {
    const details = { agentCode: 'CONFLICT', currentRevision: 9 };
    expect(currentRevisionOf(new ConsoleError('CONFLICT', 'stale', details))).toBe(9);
    expect(currentRevisionOf(new ConsoleError('INVALID_CONFIG', 'x', details))).toBeUndefined();
  });

  it('sends a problem for a hidden field to the list (a cookie name with cookies off)', () => {
    const target = poolTarget(newPool(), config, undefined);
    expect(fileProblems([{ path: ['persistence', 'cookieName'], message: 'bad' }], target)).toEqual({
      fields: {},
      general: ['persistence.cookieName: bad'],
    });
  });
});
