import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualService } from '../../../shared/model/config.ts';
import { agent, fleet, health } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import {
  createTestApi,
  fail,
  ok,
  type Handlers,
  type TestApi,
} from '../../../test/support/renderer/test-api.ts';
import { configView, exchangeConfig, pool, richPool, richService, service } from './agent-test-data.ts';
import { AgentScreen } from './agent-screen.tsx';

afterEach(cleanup);

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(fleet(agent('a1', 'east'))),
    getAgentConfig: ok(exchangeConfig(7)),
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
  fireEvent.click(await screen.findByRole('button', { name: `Edit virtual service ${name}` }));
  return screen.getByRole('form', { name: `Edit virtual service ${name}` });
}

const type = (form: HTMLElement, label: string, value: string) =>
  fireEvent.change(within(form).getByLabelText(label), { target: { value } });
const problemOf = (input: HTMLElement) =>
  document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent;

const upsertCalls = (test: TestApi) => test.calls.filter((c) => c.channel === 'upsertVirtualService');
const sent = (test: TestApi) =>
  upsertCalls(test).at(-1)?.params as {
    virtualService: VirtualService;
    expectRevision: number;
    agentId: string;
  };

/** A new https service on the web pool with one content rule, as an admin fills it in. */
function fillHttps(form: HTMLElement) {
  type(form, 'Name', 'portal');
  type(form, 'Protocol', 'https');
  type(form, 'Listen address', '192.0.2.9');
  type(form, 'Listen port', '8443');
  type(form, 'TLS certificates', 'portal-cert');
  type(form, 'Default pool', 'web');
  fireEvent.click(within(form).getByRole('button', { name: 'Add content rule' }));
  type(form, 'Content rule 1 name', 'api');
  type(form, 'Content rule 1 hosts', 'api.example.com');
  type(form, 'Content rule 1 path prefix', '/v1');
  type(form, 'Content rule 1 pool', 'ad');
  type(form, 'Deny paths', '/admin');
  type(form, 'Forwarded headers', 'append');
}

describe('New virtual service', () => {
  it('offers the fields of the chosen protocol, and the agent’s pools to send to', async () => {
    setup();
    const form = await openNew();
    const poolOptions = (label: string) =>
      within(within(form).getByLabelText(label))
        .getAllByRole('option')
        .map((o) => o.textContent);
    expect(poolOptions('Default pool')).toEqual([
      'None: 404 when no content rule matches',
      'cas',
      'ad',
      'web',
    ]);
    expect(within(form).queryByLabelText('TLS certificates')).toBeNull();
    type(form, 'Protocol', 'tcp');
    expect(poolOptions('Pool')).toEqual(['Choose a pool…', 'cas', 'ad', 'web']);
    expect(within(form).queryByRole('button', { name: 'Add content rule' })).toBeNull();
    type(form, 'Protocol', 'redirect');
    expect(within(form).queryByLabelText('Pool')).toBeNull();
    expect(within(form).getByLabelText('Redirect to port')).toBeTruthy();
    type(form, 'Protocol', 'https');
    expect(within(form).getByLabelText('TLS certificates')).toBeTruthy();
  });

  it('shows a problem at its field and sends nothing', async () => {
    const test = setup();
    const form = await openNew();
    fillHttps(form);
    type(form, 'Content rule 1 pool', '');
    type(form, 'Listen port', '');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    const listen = within(form).getByLabelText('Listen port');
    expect(listen.getAttribute('aria-invalid')).toBe('true');
    expect(problemOf(listen)).toBe('this is required');
    expect(problemOf(within(form).getByLabelText('Content rule 1 pool'))).toBe('this is required');
    // Focus goes to the first problem, so a keyboard user lands on it.
    expect(document.activeElement).toBe(listen);
    expect(upsertCalls(test)).toHaveLength(0);
    // Editing the rule clears its problem, and only its own.
    type(form, 'Content rule 1 pool', 'cas');
    expect(within(form).getByLabelText('Content rule 1 pool').getAttribute('aria-invalid')).toBeNull();
    expect(listen.getAttribute('aria-invalid')).toBe('true');
  });

  it('asks for a pool for a tcp service, and refuses one that keeps clients by cookie', async () => {
    const test = setup();
    const form = await openNew();
    type(form, 'Name', 'rdp');
    type(form, 'Protocol', 'tcp');
    type(form, 'Listen port', '3389');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(problemOf(within(form).getByLabelText('Pool'))).toBe('this is required');
    type(form, 'Pool', 'cas');
    expect(within(form).getByLabelText('Pool').getAttribute('aria-invalid')).toBeNull();
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(problemOf(within(form).getByLabelText('Pool'))).toMatch(/pool "cas" keeps clients by cookie/);
    expect(upsertCalls(test)).toHaveLength(0);
  });

  it('refuses a name the agent runs already, which it would otherwise replace', async () => {
    const test = setup();
    const form = await openNew();
    type(form, 'Name', 'web');
    type(form, 'Listen port', '9000');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(await within(form).findByText(/"web" exists already on this agent/)).toBeTruthy();
    expect(upsertCalls(test)).toHaveLength(0);
  });

  it('says so when the agent has no pool yet', async () => {
    setup({ getAgentConfig: ok(configView('a1', 1)) });
    const form = await openNew();
    expect(within(form).getByText('This agent has no pool yet: create one first.')).toBeTruthy();
  });

  it('sends the document and the revision it was opened on, then confirms and refetches', async () => {
    const test = setup({ upsertVirtualService: ok({ revision: 8, created: true }) });
    const form = await openNew();
    fillHttps(form);
    const after = exchangeConfig(8);
    test.handle(
      'getAgentConfig',
      ok(
        configView('a1', 8, {
          pools: after.config.pools,
          virtualServices: [
            ...after.config.virtualServices,
            service('portal', { listen: { port: 8443 }, pool: 'web' }),
          ],
        }),
      ),
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    expect((await screen.findByText(/Applied — revision 8/)).textContent).toContain(
      'created virtual service portal',
    );
    expect(screen.queryByRole('form')).toBeNull();
    const params = sent(test);
    expect(params.agentId).toBe('a1');
    expect(params.expectRevision).toBe(7);
    expect(params.virtualService).toEqual({
      name: 'portal',
      enabled: true,
      listen: { address: '192.0.2.9', port: 8443 },
      protocol: 'https',
      pool: 'web',
      contentRules: [{ name: 'api', host: ['api.example.com'], pathPrefix: '/v1', pool: 'ad' }],
      denyPaths: ['/admin'],
      forwardedHeaders: 'append',
      maxHeaderBytes: 16384,
      limits: { maxConnections: 20000, maxConnectionsPerSource: 0, maxTunnels: 10000, minBodyRate: 500 },
      timeouts: { clientHeaderMs: 10000, clientBodyMs: 20000, idleMs: 60000, tlsHandshakeMs: 10000 },
      tls: { certificates: ['portal-cert'], minVersion: 'TLSv1.2', cipherProfile: 'intermediate' },
    });
    // The configuration is refetched, so the new service shows.
    expect(await screen.findByRole('article', { name: 'Virtual service portal' })).toBeTruthy();
  });

  it("keeps the input and shows the agent's problems at their fields", async () => {
    const test = setup({
      upsertVirtualService: fail(
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

    const refusal = await within(form).findByText(/The agent refused the virtual service/);
    expect(refusal.closest('[role="alert"]')?.getAttribute('data-code')).toBe('INVALID_CONFIG');
    const listen = within(form).getByLabelText('Listen port') as HTMLInputElement;
    expect(listen.getAttribute('aria-invalid')).toBe('true');
    expect(problemOf(listen)).toBe('port 8443 is in use');
    expect(
      within(form).getByText('this service: certificate "portal-cert" is not in the store'),
    ).toBeTruthy();
    expect(listen.value).toBe('8443');
    expect((within(form).getByLabelText('Content rule 1 hosts') as HTMLInputElement).value).toBe(
      'api.example.com',
    );
    expect(upsertCalls(test)).toHaveLength(1);
  });

  it('drops the confirmation once a later revision runs (applied elsewhere)', async () => {
    const test = setup({ upsertVirtualService: ok({ revision: 8, created: true }) });
    const form = await openNew();
    fillHttps(form);
    test.handle('getAgentConfig', ok(exchangeConfig(8)));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);
    test.handle('getAgentConfig', ok(exchangeConfig(9)));
    act(() => test.emit({ type: 'config', agentId: 'a1', revision: 9 }));
    await waitFor(() => expect(screen.queryByText(/Applied — revision 8/)).toBeNull());
  });

  it('shows any other failure in the form, with the input kept', async () => {
    setup({ upsertVirtualService: fail('AGENT_OFFLINE', 'The agent a1 is not connected.') });
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
    const test = setup({ upsertVirtualService: ok({ revision: 8, created: false }) });
    const form = await openEdit('owa');
    expect((within(form).getByLabelText('Name') as HTMLInputElement).readOnly).toBe(true);
    type(form, 'Default pool', 'web');
    type(form, 'Content rule 1 path prefix', '/Autodiscover');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect((await screen.findByText(/Applied — revision 8/)).textContent).toContain(
      'updated virtual service owa',
    );

    const original = richService();
    if (original.protocol !== 'https') throw new Error('richService is https');
    expect(sent(test).virtualService).toEqual({
      ...original,
      pool: 'web',
      contentRules: [{ ...original.contentRules[0], pathPrefix: '/Autodiscover' }],
    });
    expect(sent(test).expectRevision).toBe(7);
  });

  it('edits the timeouts, limits, SNI/Host choice, TLS version and ciphers, folded under Advanced until opened', async () => {
    const test = setup({ upsertVirtualService: ok({ revision: 8, created: false }) });
    const form = await openEdit('owa');
    const advanced = within(form).getByText('Advanced: timeouts and limits').closest('details')!;
    expect(advanced.open).toBe(false);
    expect((within(form).getByLabelText('Idle connection timeout (ms)') as HTMLInputElement).value).toBe(
      '900000',
    );
    type(form, 'Idle connection timeout (ms)', '300000');
    type(form, 'Slowest request body (bytes/s)', '');
    type(form, 'Host not matching the TLS name (SNI)', 'refuse');
    type(form, 'Oldest TLS version clients may use', 'TLSv1.3');
    type(form, 'Cipher profile', 'modern');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);

    const original = richService();
    if (original.protocol !== 'https') throw new Error('richService is an https service');
    expect(sent(test).virtualService).toEqual({
      ...original,
      sniHostMismatch: 'refuse',
      tls: { ...original.tls, minVersion: 'TLSv1.3', cipherProfile: 'modern' },
      timeouts: { ...original.timeouts, idleMs: 300000 },
      limits: { ...original.limits, minBodyRate: 500 },
    });
  });

  it('opens the Advanced group to show a problem at its field', async () => {
    const test = setup();
    const form = await openEdit('owa');
    const advanced = within(form).getByText('Advanced: timeouts and limits').closest('details')!;
    type(form, 'Largest request head (bytes)', '100');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    const head = within(form).getByLabelText('Largest request head (bytes)');
    expect(head.getAttribute('aria-invalid')).toBe('true');
    expect(problemOf(head)).toMatch(/1024/);
    expect(advanced.open).toBe(true);
    expect(upsertCalls(test)).toHaveLength(0);
  });

  it('shows only the timeouts and limits a tcp service has', async () => {
    setup();
    const form = await openEdit('owa');
    type(form, 'Protocol', 'tcp');
    expect(within(form).getByLabelText('Idle connection timeout (ms)')).toBeTruthy();
    expect(within(form).queryByLabelText('Request header timeout (ms)')).toBeNull();
    expect(within(form).queryByLabelText('Most WebSocket tunnels at once')).toBeNull();
    expect(within(form).queryByLabelText('Host not matching the TLS name (SNI)')).toBeNull();
  });

  it('shows and edits the certificate clients without SNI get, offered from the listed ones', async () => {
    const test = setup({ upsertVirtualService: ok({ revision: 8, created: false }) });
    const form = await openEdit('owa');
    const picker = within(form).getByLabelText(
      'Default certificate (clients without SNI)',
    ) as HTMLSelectElement;
    // None set: the first listed, said by name.
    expect(picker.value).toBe('');
    expect([...picker.options].map((o) => o.textContent)).toEqual([
      'The first listed (owa-2025)',
      'owa-2025',
      'legacy',
    ]);
    type(form, 'Default certificate (clients without SNI)', 'legacy');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);
    const original = richService();
    if (original.protocol !== 'https') throw new Error('richService is https');
    expect(sent(test).virtualService).toEqual({
      ...original,
      tls: { ...original.tls, defaultCertificate: 'legacy' },
    });
  });

  it('shows a default already set, and falls back to the first when it leaves the list', async () => {
    const original = richService();
    if (original.protocol !== 'https') throw new Error('richService is https');
    const withDefault = { ...original, tls: { ...original.tls, defaultCertificate: 'legacy' } };
    const config = exchangeConfig(7);
    config.config.virtualServices = config.config.virtualServices.map((vs) =>
      vs.name === 'owa' ? withDefault : vs,
    );
    const test = setup({
      getAgentConfig: ok(config),
      upsertVirtualService: ok({ revision: 8, created: false }),
    });
    const form = await openEdit('owa');
    const picker = () =>
      within(form).getByLabelText('Default certificate (clients without SNI)') as HTMLSelectElement;
    expect(picker().value).toBe('legacy');
    type(form, 'TLS certificates', 'owa-2025, mail');
    expect(picker().value).toBe('');
    expect([...picker().options].map((o) => o.value)).toEqual(['', 'owa-2025', 'mail']);
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);
    const doc = sent(test).virtualService;
    expect(doc).toMatchObject({ protocol: 'https', tls: { certificates: ['owa-2025', 'mail'] } });
    expect(doc.protocol === 'https' && doc.tls.defaultCertificate).toBeUndefined();
  });

  it('removes a content rule row', async () => {
    const test = setup({ upsertVirtualService: ok({ revision: 8, created: false }) });
    const form = await openEdit('owa');
    fireEvent.click(within(form).getByRole('button', { name: 'Remove content rule 1 (autodiscover)' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);
    expect(sent(test).virtualService).toMatchObject({ contentRules: [] });
  });

  it('on a conflict, says the configuration changed and reloads keeping the edits', async () => {
    const test = setup({
      upsertVirtualService: fail('CONFLICT', 'revision 7 is not the running revision 9', {
        agentCode: 'CONFLICT',
        currentRevision: 9,
      }),
    });
    const form = await openEdit('owa');
    type(form, 'Listen port', '4443');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('The configuration changed elsewhere (now revision 9)');
    expect(alert.getAttribute('data-code')).toBe('CONFLICT');

    // Meanwhile another console raised owa's header limit: the reload must keep it.
    const newer = { ...richService(), maxHeaderBytes: 65536 } as VirtualService;
    test.handle(
      'getAgentConfig',
      ok(
        configView('a1', 9, {
          pools: [richPool(), pool('ad'), pool('web')],
          virtualServices: [newer, service('web')],
        }),
      ),
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Reload and keep my edits' }));
    expect(await within(form).findByText(/Reloaded revision 9/)).toBeTruthy();
    expect((within(form).getByLabelText('Listen port') as HTMLInputElement).value).toBe('4443');
    expect(within(form).queryByRole('alert')).toBeNull();

    test.handle('upsertVirtualService', ok({ revision: 10, created: false }));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 10/);
    expect(sent(test).expectRevision).toBe(9);
    expect(sent(test).virtualService.listen.port).toBe(4443);
    expect(sent(test).virtualService).toMatchObject({ maxHeaderBytes: 65536 });
  });

  it('cancels without sending, and the service stays as it was', async () => {
    const test = setup();
    const form = await openEdit('web');
    type(form, 'Listen port', '1');
    fireEvent.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form')).toBeNull();
    expect(upsertCalls(test)).toHaveLength(0);
    expect(screen.getByRole('article', { name: 'Virtual service web' }).textContent).toContain(
      '0.0.0.0:8080',
    );
  });
});

describe('ServiceForm: what a listen address or port means', () => {
  it('says what 0.0.0.0 and a port below 1024 mean, and nothing for a virtual IP and a high port', async () => {
    setup();
    const form = await openNew();
    const hintOf = (label: string) =>
      within(form).getByLabelText(label).parentElement?.querySelector('.field-hint')?.textContent ?? '';
    type(form, 'Listen address', '0.0.0.0');
    type(form, 'Listen port', '443');
    expect(hintOf('Listen address')).toContain(
      'Every IPv4 address of the appliance, its management address included',
    );
    expect(hintOf('Listen port')).toContain('Port 443 is privileged (below 1024)');
    type(form, 'Listen address', '192.0.2.9');
    type(form, 'Listen port', '8443');
    expect(hintOf('Listen address')).toBe('');
    expect(hintOf('Listen port')).toBe('');
  });
});
