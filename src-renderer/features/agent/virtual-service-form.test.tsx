import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualService } from '../../../shared/model/config.ts';
import { agent, fleet, health } from '../../test/fixtures.ts';
import { renderWithApi } from '../../test/render.tsx';
import { createTestApi, fail, ok, type Handlers, type TestApi } from '../../test/test-api.ts';
import { configView, richService, service } from './agent-test-data.ts';
import { AgentScreen } from './agent-screen.tsx';

afterEach(cleanup);

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(fleet(agent('a1', 'east'))),
    getAgentConfig: ok(configView('a1', 7, service('web'), richService())),
    healthSnapshot: ok(health()),
    ...handlers,
  });
  renderWithApi(<AgentScreen agentId="a1" onSelectAgent={() => {}} />, test);
  return test;
}

async function openNew() {
  const button = screen.getByRole('button', { name: 'New virtual service' });
  await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(button);
  return screen.getByRole('form', { name: 'New virtual service' });
}

async function openEdit(name: string) {
  fireEvent.click(await screen.findByRole('button', { name: `Edit ${name}` }));
  return screen.getByRole('form', { name: `Edit ${name}` });
}

const type = (form: HTMLElement, label: string, value: string) =>
  fireEvent.change(within(form).getByLabelText(label), { target: { value } });

const applyCalls = (test: TestApi) => test.calls.filter((c) => c.channel === 'applyVirtualService');
const sent = (test: TestApi) =>
  applyCalls(test).at(-1)?.params as {
    virtualService: VirtualService;
    expectRevision: number;
    agentId: string;
  };

/** A new https service with one real server, as an admin fills it in. */
function fillHttps(form: HTMLElement) {
  type(form, 'Name', 'portal');
  type(form, 'Type', 'https');
  type(form, 'Listen address', '192.0.2.9');
  type(form, 'Listen port', '8443');
  type(form, 'TLS certificate', 'portal-cert');
  type(form, 'Scheduler', 'weighted-round-robin');
  type(form, 'Persistence', 'source-ip');
  type(form, 'Health check', 'http');
  type(form, 'Check path', '/health');
  type(form, 'Check interval (ms)', '2500');
  fireEvent.click(within(form).getByRole('button', { name: 'Add real server' }));
  type(form, 'Real server 1 name', 'app1');
  type(form, 'Real server 1 address', '10.9.0.1');
  type(form, 'Real server 1 port', '8080');
  type(form, 'Real server 1 weight', '5');
}

describe('New virtual service', () => {
  it('shows a problem at its field and sends nothing', async () => {
    const test = setup();
    const form = await openNew();
    fillHttps(form);
    type(form, 'Real server 1 port', '70000');
    type(form, 'Listen port', '');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    const port = within(form).getByLabelText('Real server 1 port');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    const problem = document.getElementById(port.getAttribute('aria-describedby') ?? '');
    expect(problem?.textContent).toBe('Too big: expected number to be <=65535');
    const listen = within(form).getByLabelText('Listen port');
    expect(document.getElementById(listen.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'enter a whole number',
    );
    // Focus goes to the first problem, so a keyboard user lands on it.
    expect(document.activeElement).toBe(listen);
    expect(applyCalls(test)).toHaveLength(0);
  });

  it('refuses a name the agent runs already, which it would otherwise replace', async () => {
    const test = setup();
    const form = await openNew();
    type(form, 'Name', 'web');
    type(form, 'Listen port', '9000');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(await within(form).findByText(/"web" exists already on this agent/)).toBeTruthy();
    expect(applyCalls(test)).toHaveLength(0);
  });

  it('sends the document and the revision it was opened on, then confirms and refetches', async () => {
    const test = setup({ applyVirtualService: ok({ revision: 8, created: true }) });
    const form = await openNew();
    fillHttps(form);
    test.handle('getAgentConfig', ok(configView('a1', 8, service('web'), richService(), service('portal'))));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    expect((await screen.findByText(/Applied — revision 8/)).textContent).toContain('created portal');
    expect(screen.queryByRole('form')).toBeNull();
    const params = sent(test);
    expect(params.agentId).toBe('a1');
    expect(params.expectRevision).toBe(7);
    expect(params.virtualService).toEqual({
      name: 'portal',
      enabled: true,
      listen: { address: '192.0.2.9', port: 8443 },
      protocol: 'https',
      scheduler: 'weighted-round-robin',
      persistence: { mode: 'source-ip', timeoutSeconds: 3600 },
      healthCheck: {
        type: 'http',
        path: '/health',
        intervalMs: 2500,
        timeoutMs: 2000,
        rise: 2,
        fall: 3,
        method: 'GET',
        expectStatus: [200],
      },
      timeouts: {
        connectMs: 3000,
        clientHeaderMs: 10000,
        clientBodyMs: 20000,
        idleMs: 60000,
        serverMs: 60000,
        tlsHandshakeMs: 10000,
      },
      limits: { maxConnections: 20000, maxConnectionsPerSource: 0, maxTunnels: 10000, minBodyRate: 500 },
      maxHeaderBytes: 16384,
      forwardedHeaders: 'replace',
      realServers: [
        { name: 'app1', address: '10.9.0.1', port: 8080, weight: 5, enabled: true, maxConnections: 0 },
      ],
      contentRules: [],
      tls: { certificates: ['portal-cert'], minVersion: 'TLSv1.2', cipherProfile: 'intermediate' },
      denyPaths: [],
    });
    // The configuration is refetched, so the new service shows.
    expect(await screen.findByRole('article', { name: 'portal' })).toBeTruthy();
  });

  it("keeps the input and shows the agent's problems at their fields", async () => {
    const test = setup({
      applyVirtualService: fail(
        'INVALID_CONFIG',
        'the configuration is not valid: virtualServices[2].listen.port: port 8443 is in use',
        {
          agentCode: 'INVALID_CONFIG',
          problems: [
            { path: 'virtualServices[2].listen.port', message: 'port 8443 is in use' },
            { path: 'virtualServices[2]', message: 'certificate "portal-cert" is not in the store' },
          ],
        },
      ),
    });
    const form = await openNew();
    fillHttps(form);
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    const refusal = await within(form).findByText(/The agent refused the service/);
    expect(refusal.closest('[role="alert"]')?.textContent).toContain('INVALID_CONFIG');
    const listen = within(form).getByLabelText('Listen port') as HTMLInputElement;
    expect(listen.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(listen.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'port 8443 is in use',
    );
    expect(
      within(form).getByText('this service: certificate "portal-cert" is not in the store'),
    ).toBeTruthy();
    expect(listen.value).toBe('8443');
    expect((within(form).getByLabelText('Real server 1 address') as HTMLInputElement).value).toBe('10.9.0.1');
    expect(applyCalls(test)).toHaveLength(1);
  });

  it('drops the confirmation once a later revision runs (applied elsewhere)', async () => {
    const test = setup({ applyVirtualService: ok({ revision: 8, created: true }) });
    const form = await openNew();
    fillHttps(form);
    test.handle('getAgentConfig', ok(configView('a1', 8, service('web'), richService(), service('portal'))));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);
    test.handle('getAgentConfig', ok(configView('a1', 9, service('web'), richService(), service('portal'))));
    act(() => test.emit({ type: 'config', agentId: 'a1', revision: 9 }));
    await waitFor(() => expect(screen.queryByText(/Applied — revision 8/)).toBeNull());
  });

  it('shows any other failure in the form, with the input kept', async () => {
    setup({ applyVirtualService: fail('AGENT_OFFLINE', 'The agent a1 is not connected.') });
    const form = await openNew();
    fillHttps(form);
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('Could not apply');
    expect(alert.textContent).toContain('The agent a1 is not connected.');
    expect((within(form).getByLabelText('Name') as HTMLInputElement).value).toBe('portal');
  });
});

describe('Edit a virtual service', () => {
  it('changes only what the form changed and keeps everything it does not show', async () => {
    const test = setup({ applyVirtualService: ok({ revision: 8, created: false }) });
    const form = await openEdit('owa');
    expect((within(form).getByLabelText('Name') as HTMLInputElement).readOnly).toBe(true);
    type(form, 'Scheduler', 'round-robin');
    type(form, 'Real server 2 weight', '4');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect((await screen.findByText(/Applied — revision 8/)).textContent).toContain('updated owa');

    const original = richService();
    expect(sent(test).virtualService).toEqual({
      ...original,
      scheduler: 'round-robin',
      realServers: [original.realServers[0], { ...original.realServers[1], weight: 4 }],
    });
    expect(sent(test).expectRevision).toBe(7);
  });

  it('removes a real server row', async () => {
    const test = setup({ applyVirtualService: ok({ revision: 8, created: false }) });
    const form = await openEdit('owa');
    fireEvent.click(within(form).getByRole('button', { name: 'Remove real server 1 (cas1)' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);
    expect(sent(test).virtualService.realServers.map((rs) => rs.name)).toEqual(['cas2']);
  });

  it('on a conflict, says the configuration changed and reloads keeping the edits', async () => {
    const test = setup({
      applyVirtualService: fail('CONFLICT', 'revision 7 is not the running revision 9', {
        agentCode: 'CONFLICT',
        currentRevision: 9,
      }),
    });
    const form = await openEdit('owa');
    type(form, 'Listen port', '4443');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('The configuration changed elsewhere (now revision 9)');
    expect(alert.textContent).toContain('CONFLICT');

    // Meanwhile another console raised cas1's connection limit: the reload must keep it.
    const newer = richService();
    newer.realServers[0] = { ...newer.realServers[0]!, maxConnections: 900 };
    test.handle('getAgentConfig', ok(configView('a1', 9, service('web'), newer)));
    fireEvent.click(within(form).getByRole('button', { name: 'Reload and keep my edits' }));
    expect(await within(form).findByText(/Reloaded revision 9/)).toBeTruthy();
    expect((within(form).getByLabelText('Listen port') as HTMLInputElement).value).toBe('4443');
    expect(within(form).queryByRole('alert')).toBeNull();

    test.handle('applyVirtualService', ok({ revision: 10, created: false }));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 10/);
    expect(sent(test).expectRevision).toBe(9);
    expect(sent(test).virtualService.listen.port).toBe(4443);
    expect(sent(test).virtualService.realServers[0]?.maxConnections).toBe(900);
  });

  it('cancels without sending, and the service stays as it was', async () => {
    const test = setup();
    const form = await openEdit('web');
    type(form, 'Listen port', '1');
    fireEvent.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form')).toBeNull();
    expect(applyCalls(test)).toHaveLength(0);
    expect(screen.getByRole('article', { name: 'web' }).textContent).toContain('0.0.0.0:8080');
  });
});
