import { describe, expect, it } from 'vitest';
import { ConsoleError } from '../../../shared/ipc/errors.ts';
import { richService, service } from './agent-test-data.ts';
import { emptyValues, type FormValues, newRealServerRow, realServerKey, toFormValues } from './form-model.ts';
import {
  currentRevisionOf,
  fileProblems,
  parsePath,
  problemsFromError,
  validateForm,
  type ServiceContext,
} from './form-problems.ts';

const row = (fields: Partial<FormValues['realServers'][number]> = {}) => ({
  ...newRealServerRow(),
  name: 'a',
  address: '10.0.0.5',
  port: '8080',
  ...fields,
});

const newService = (overrides: Partial<FormValues> = {}): FormValues => ({
  ...emptyValues(),
  name: 'web',
  listenPort: '80',
  ...overrides,
});

const creating = (...services: ReturnType<typeof service>[]): ServiceContext => ({
  services,
  editing: undefined,
});

describe('validateForm', () => {
  it('passes a valid new service with the parsed document', () => {
    const checked = validateForm(newService({ realServers: [row()] }), undefined, creating());
    expect(checked.ok && checked.document.realServers[0]).toEqual({
      name: 'a',
      address: '10.0.0.5',
      port: 8080,
      weight: 1,
      enabled: true,
      maxConnections: 0,
    });
  });

  it('files schema problems under their fields, real servers by row', () => {
    const bad = row({ port: '99999' });
    const checked = validateForm(
      newService({ name: 'no spaces', listenPort: '', realServers: [row({ name: 'ok' }), bad] }),
      undefined,
      creating(),
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems.fields).toEqual({
      name: 'use 1–63 letters, digits, "-" or "_", starting with a letter or digit',
      listenPort: 'enter a whole number',
      [realServerKey(bad.rowId, 'port')]: 'Too big: expected number to be <=65535',
    });
    expect(checked.problems.general).toEqual([]);
  });

  it('refuses to create a service whose name exists (the agent would replace it)', () => {
    const checked = validateForm(newService(), undefined, creating(service('web', { listen: { port: 81 } })));
    expect(!checked.ok && checked.problems.fields.name).toMatch(/exists already on this agent/);
  });

  it('applies the rules across services: an address:port another service listens on', () => {
    const checked = validateForm(newService({ listenPort: '8080' }), undefined, creating(service('other')));
    expect(!checked.ok && checked.problems.fields.listenPort).toMatch(/0\.0\.0\.0:8080 is already used/);
  });

  it('lists a problem reported on another service, naming it', () => {
    // Editing the first service onto the second one's port: zod reports it at the second.
    const services = [service('web', { listen: { port: 81 } }), service('other')];
    const values = { ...toFormValues(services[0]!), listenPort: '8080' };
    const checked = validateForm(values, services[0], { services, editing: 'web' });
    expect(!checked.ok && checked.problems.general).toEqual([
      'virtualServices[1] ("other").listen: 0.0.0.0:8080 is already used by virtualServices[0]; use content rules to share one address',
    ]);
  });

  it('files the https-check rule under the health check type', () => {
    const checked = validateForm(newService({ healthType: 'https' }), undefined, creating());
    expect(!checked.ok && checked.problems.fields.healthType).toBe(
      'an https health check needs reencrypt settings',
    );
  });

  it('asks for a certificate at the certificate field', () => {
    const checked = validateForm(newService({ type: 'https' }), undefined, creating());
    expect(!checked.ok && checked.problems.fields.certificate).toBe(
      'name at least one certificate from the store',
    );
  });

  it('lists a problem with a field the form does not show, with its path', () => {
    const original = richService();
    const broken = { ...original, timeouts: { ...original.timeouts, connectMs: 0 } };
    const checked = validateForm(toFormValues(original), broken, { services: [original], editing: 'owa' });
    expect(!checked.ok && checked.problems.general).toEqual([
      'timeouts.connectMs: Too small: expected number to be >=1',
    ]);
  });
});

describe('problemsFromError', () => {
  const services = [service('one'), service('two', { listen: { port: 8081 } })];
  const values = toFormValues(services[1]!);
  const editingTwo: ServiceContext = { services, editing: 'two' };
  const invalid = (...problems: { path: string; message: string }[]) =>
    new ConsoleError('INVALID_CONFIG', 'the configuration is not valid', {
      agentCode: 'INVALID_CONFIG',
      problems,
    });

  it('files the agent problems at this service index under their fields', () => {
    const filed = problemsFromError(
      invalid(
        { path: 'virtualServices[1].listen.port', message: 'port 8081 is in use' },
        { path: 'virtualServices[1].realServers[0].address', message: 'cannot resolve' },
      ),
      values,
      editingTwo,
    );
    expect(filed).toEqual({
      fields: {
        listenPort: 'port 8081 is in use',
        [realServerKey(values.realServers[0]!.rowId, 'address')]: 'cannot resolve',
      },
      general: [],
    });
  });

  it('lists whole-service and other-service problems, labelled', () => {
    const filed = problemsFromError(
      invalid(
        { path: 'virtualServices[1]', message: 'certificate "x" is not in the store' },
        { path: 'virtualServices[0].listen', message: 'taken' },
        { path: '', message: 'too many services' },
      ),
      values,
      editingTwo,
    );
    expect(filed?.general).toEqual([
      'this service: certificate "x" is not in the store',
      'virtualServices[0] ("one").listen: taken',
      'configuration: too many services',
    ]);
  });

  it('places a new service at the end of the list', () => {
    const filed = problemsFromError(
      invalid({ path: 'virtualServices[2].scheduler', message: 'no' }),
      newService(),
      creating(...services),
    );
    expect(filed?.fields).toEqual({ scheduler: 'no' });
  });

  it('files the Console own param problems under the service fields', () => {
    const error = new ConsoleError('INVALID_PARAMS', 'bad', {
      problems: [
        { path: 'virtualService.name', message: 'too long' },
        { path: 'expectRevision', message: 'expected number' },
      ],
    });
    expect(problemsFromError(error, values, editingTwo)).toEqual({
      fields: { name: 'too long' },
      general: ['expectRevision: expected number'],
    });
  });

  it.each([
    ['another code', new ConsoleError('AGENT_OFFLINE', 'offline')],
    ['details without problems', new ConsoleError('INVALID_CONFIG', 'x', { agentCode: 'INVALID_CONFIG' })],
    ['a plain error', new Error('boom')],
  ])('has nothing to file for %s', (_name, error) => {
    expect(problemsFromError(error, values, editingTwo)).toBeUndefined();
  });
});

describe('paths and revisions', () => {
  it('parses a dotted path with indexes', () => {
    expect(parsePath('virtualServices[0].contentRules[12].realServers[1].port')).toEqual([
      'virtualServices',
      0,
      'contentRules',
      12,
      'realServers',
      1,
      'port',
    ]);
    expect(parsePath('')).toEqual([]);
  });

  it('reads the current revision of a CONFLICT only', () => {
    const details = { agentCode: 'CONFLICT', currentRevision: 9 };
    expect(currentRevisionOf(new ConsoleError('CONFLICT', 'stale', details))).toBe(9);
    expect(currentRevisionOf(new ConsoleError('INVALID_CONFIG', 'x', details))).toBeUndefined();
  });

  it('sends a problem for a hidden field to the list (a cookie name with cookies off)', () => {
    const filed = fileProblems([{ path: ['persistence', 'cookieName'], message: 'bad' }], newService());
    expect(filed).toEqual({ fields: {}, general: ['persistence.cookieName: bad'] });
  });
});
