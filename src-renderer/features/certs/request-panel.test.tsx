import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcmeOutcome } from '../../../shared/ipc/acme.ts';
import type { AgentConfigView } from '../../../shared/ipc/agent-config.ts';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { Reply } from '../../../shared/ipc/errors.ts';
import { AgentConfig } from '../../../shared/model/config.ts';
import { agent, fleet, T0 } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { RequestPanel } from './request-panel.tsx';

afterEach(cleanup);

const FLEET = fleet(
  { ...agent('a1', 'east'), name: 'edge-1' },
  { ...agent('a2', 'west'), name: 'edge-2' },
  { ...agent('a3', 'west', { kind: 'offline', since: T0, reason: 'timeout', attempts: 2 }), name: 'edge-3' },
);

/** An agent's configuration with these services, every default filled in as the agent sends it. */
const config = (agentId: string, ...services: [string, 'https' | 'redirect'][]): AgentConfigView => ({
  agentId,
  revision: 1,
  config: AgentConfig.parse({
    version: 2,
    pools: [],
    virtualServices: services.map(([name, protocol], i) =>
      protocol === 'https'
        ? {
            name,
            listen: { address: '0.0.0.0', port: 8443 + i },
            protocol,
            tls: { certificates: ['placeholder'] },
          }
        : { name, listen: { address: '0.0.0.0', port: 8080 + i }, protocol },
    ),
  }),
});

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(FLEET),
    getAgentConfig: ({ agentId }) =>
      ok(
        agentId === 'a1'
          ? config('a1', ['secure', 'https'], ['port80', 'redirect'], ['owa', 'https'])
          : config(agentId, ['secure', 'https']),
      ),
    ...handlers,
  });
  return { test, ...renderWithApi(<RequestPanel onClose={() => {}} />, test) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets a wrongly started request reach the api before asserting that nothing was sent. */
const settle = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));

type RequestParams = {
  agentIds: string[];
  name: string;
  domains: string[];
  directoryUrl: string;
  email: string;
  bind?: string[];
  directoryCa?: string;
  keyType?: string;
  operationId: string;
};
const requestCalls = (test: ReturnType<typeof createTestApi>) =>
  test.calls.filter((c) => c.channel === 'requestCertificate').map((c) => c.params as RequestParams);

const outcome = (extra: Partial<AcmeOutcome> = {}): AcmeOutcome => ({
  name: 'www-example-com',
  replaced: false,
  fingerprint: 'AA:BB',
  notAfter: '2099-03-01T00:00:00.000Z',
  bound: ['secure'],
  reloaded: [],
  nextRenewalAt: '2099-01-01T00:00:00.000Z',
  warnings: [],
  ...extra,
});

const type = (label: string | RegExp, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('RequestPanel', () => {
  it('names what is missing at its field and sends nothing', async () => {
    const { test } = setup();
    await screen.findByRole('checkbox', { name: /edge-1/ });
    type('Names (DNS)', 'www.example.com *.example.com');
    fireEvent.click(screen.getByRole('radio', { name: /Another ACME CA/ }));
    type('Directory URL', 'http://ca.example.com/dir');
    fireEvent.click(screen.getByRole('button', { name: 'Request on 0 agents' }));
    expect(screen.getByText('Choose at least one online agent.')).toBeTruthy();
    expect(
      screen.getByText(/"\*\.example\.com": a DNS name such as www\.example\.com \(no wildcard/),
    ).toBeTruthy();
    expect(screen.getByText('The directory must be an https URL (ACME runs over TLS only).')).toBeTruthy();
    expect(screen.getByLabelText('Contact email').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Names (DNS)').getAttribute('aria-invalid')).toBe('true');
    await settle();
    expect(requestCalls(test)).toEqual([]);
  });

  it('offers the https services of the agents chosen, saying where only some have one', async () => {
    setup();
    fireEvent.click(await screen.findByRole('checkbox', { name: /edge-1/ }));
    const bind = screen.getByRole('group', { name: 'Serve it on (https services)' });
    await within(bind).findByRole('checkbox', { name: /owa/ });
    fireEvent.click(screen.getByRole('checkbox', { name: /edge-2/ }));
    await within(bind).findByText('(only on edge-1)');
    expect(within(bind).getByRole('checkbox', { name: 'secure (on every agent chosen)' })).toBeTruthy();
    // A redirect service cannot serve a certificate.
    expect(within(bind).queryByRole('checkbox', { name: /port80/ })).toBeNull();
    // The offline agent cannot be chosen.
    expect((screen.getByRole('checkbox', { name: /edge-3/ }) as HTMLInputElement).disabled).toBe(true);
  });

  it('requests on two agents, shows each step per agent, then each certificate or the CA’s problem', async () => {
    const reply = deferred<Reply<FanOutResult<AcmeOutcome>>>();
    const { test } = setup({ requestCertificate: () => reply.promise });
    fireEvent.click(await screen.findByRole('checkbox', { name: /edge-1/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /edge-2/ }));
    type('Names (DNS)', 'WWW.example.com, example.com www.example.com');
    type('Contact email', 'admin@example.com');
    fireEvent.click(await screen.findByRole('checkbox', { name: 'secure (on every agent chosen)' }));
    fireEvent.click(screen.getByRole('radio', { name: /^Let’s Encrypt —/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Request on 2 agents' }));

    await waitFor(() => expect(requestCalls(test)).toHaveLength(1));
    const [params] = requestCalls(test);
    expect(params).toMatchObject({
      agentIds: ['a1', 'a2'],
      name: 'www-example-com',
      domains: ['www.example.com', 'example.com'],
      directoryUrl: 'letsencrypt',
      email: 'admin@example.com',
      bind: ['secure'],
      keyType: 'ec-p256',
    });
    expect(params).not.toHaveProperty('directoryCa');
    const operationId = params!.operationId;
    expect(screen.getByRole('button', { name: 'Requesting…' })).toBeTruthy();

    act(() => {
      test.emit({ type: 'progress', operationId, agentId: 'a1', status: 'pending' });
      test.emit({ type: 'progress', operationId, agentId: 'a2', status: 'pending' });
      test.emit({
        type: 'progress',
        operationId,
        agentId: 'a1',
        status: 'running',
        message: 'answering the HTTP-01 challenge for www.example.com',
      });
    });
    const one = () => screen.getByRole('listitem', { name: 'edge-1' });
    await waitFor(() =>
      expect(one().textContent).toContain('running: answering the HTTP-01 challenge for www.example.com'),
    );

    await act(async () =>
      reply.resolve(
        ok({
          operationId,
          results: [
            { agentId: 'a1', ok: true, result: outcome({ reloaded: ['owa'] }) },
            {
              agentId: 'a2',
              ok: false,
              error: {
                code: 'AGENT_ERROR',
                message:
                  'www.example.com: the CA could not connect to this agent on port 80 for it — 127.0.0.1:80: connection refused (connection)',
                details: { agentCode: 'ACME_ERROR', name: 'www-example-com', domain: 'www.example.com' },
              },
            },
          ],
        }),
      ),
    );
    await waitFor(() =>
      expect(one().textContent).toContain('Issued “www-example-com”: expires 2099-03-01 ('),
    );
    expect(one().textContent).toContain('renews on 2099-01-01. Served by: secure, owa.');
    const two = screen.getByRole('listitem', { name: 'edge-2' });
    expect(within(two).getByRole('alert').textContent).toBe(
      'www.example.com: the CA could not connect to this agent on port 80 for it — 127.0.0.1:80: connection refused (connection)',
    );
    expect(two.textContent).toContain('failed');
  });

  it('sends a private CA’s directory URL and the CA bundle that signs its https', async () => {
    const { test } = setup({ requestCertificate: ok({ operationId: 'x', results: [] }) });
    fireEvent.click(await screen.findByRole('checkbox', { name: /edge-2/ }));
    type('Names (DNS)', 'mail.example.com');
    type('Store entry name', 'mail');
    type('Contact email', 'admin@example.com');
    fireEvent.click(screen.getByRole('radio', { name: /Another ACME CA/ }));
    type('Directory URL', 'https://ca.internal.test/acme/directory');
    type(/CA bundle that signs its https/, 'internal-ca');
    fireEvent.change(screen.getByLabelText('Key'), { target: { value: 'rsa-2048' } });
    fireEvent.click(screen.getByRole('button', { name: 'Request on 1 agent' }));
    await waitFor(() => expect(requestCalls(test)).toHaveLength(1));
    expect(requestCalls(test)[0]).toMatchObject({
      agentIds: ['a2'],
      name: 'mail',
      domains: ['mail.example.com'],
      directoryUrl: 'https://ca.internal.test/acme/directory',
      directoryCa: 'internal-ca',
      keyType: 'rsa-2048',
    });
    expect(requestCalls(test)[0]).not.toHaveProperty('bind');
  });
});
