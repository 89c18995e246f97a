import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent, fleet, health, healthAgent, server } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok, pending, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { memberStatus, serviceStatus, statusOf } from '../../../test/support/stats.ts';
import { configView, exchangeConfig, pool, service } from './agent-test-data.ts';
import { AgentScreen } from './agent-screen.tsx';

afterEach(cleanup);

const A1 = {
  ...agent('a1', 'east'),
  engine: { kind: 'builtin', version: 'portico 0.1.0', pools: 3, virtualServices: 2, realServers: 4 },
} as const;

/** What the agent's stats.snapshot says: traffic on cas1 and owa, nothing elsewhere. */
const STATUS = {
  agentId: 'a1',
  ...statusOf(
    [
      {
        name: 'cas',
        servers: [
          memberStatus('cas', 'cas1', {
            active: 2,
            connections: 40,
            requests: 1200,
            errors: { ...memberStatus('cas', 'x').errors, CONNECT_FAILED: 3, RESPONSE_TIMEOUT: 1 },
          }),
          memberStatus('cas', 'cas2', { state: 'disabled' }),
        ],
      },
    ],
    [
      serviceStatus('owa', 'https', {
        activeConnections: 12,
        requests: 4100,
        responses: { ...serviceStatus('x', 'http').responses, '2xx': 4097, '5xx': 3 },
        refused: { ...serviceStatus('x', 'http').refused, connections: 2 },
      }),
      serviceStatus('web', 'http'),
    ],
  ),
};

function setup(handlers: Handlers = {}, { agentId }: { agentId: string | undefined } = { agentId: 'a1' }) {
  const test = createTestApi({
    agentStatus: ok(STATUS),
    listAgents: ok(fleet(A1, agent('b2', 'west'))),
    getAgentConfig: ok(exchangeConfig(4)),
    healthSnapshot: ok(
      health(
        healthAgent(
          agent('a1', 'east'),
          {
            cas: [
              server('cas', 'cas1', 'up'),
              server('cas', 'cas2', 'down', undefined, 'connect ECONNREFUSED'),
            ],
          },
          4,
          { owa: ['cas', 'ad'], web: ['web'] },
        ),
      ),
    ),
    ...handlers,
  });
  const onSelectAgent = vi.fn();
  return {
    test,
    onSelectAgent,
    ...renderWithApi(<AgentScreen agentId={agentId} onSelectAgent={onSelectAgent} />, test),
  };
}

const picker = () => screen.getByRole<HTMLSelectElement>('combobox', { name: 'Agent' });
const poolCard = (name: string) => screen.findByRole('article', { name: `Pool ${name}` });
const serviceCard = (name: string) => screen.findByRole('article', { name: `Virtual service ${name}` });
const configCalls = (test: ReturnType<typeof setup>['test']) =>
  test.calls.filter((c) => c.channel === 'getAgentConfig').length;

describe('AgentScreen: choosing an agent', () => {
  it('lists the paired agents by site and asks for one, fetching no configuration', async () => {
    const { test, onSelectAgent } = setup({}, { agentId: undefined });
    expect(screen.getByText(/Choose an agent to see its pools and virtual services/)).toBeTruthy();
    await waitFor(() => expect(within(picker()).getAllByRole('option')).toHaveLength(3));
    expect(within(picker()).getByRole('group', { name: 'east' }).textContent).toBe('a1');
    fireEvent.change(picker(), { target: { value: 'b2' } });
    expect(onSelectAgent).toHaveBeenCalledWith('b2');
    expect(test.calls.some((c) => c.channel === 'getAgentConfig')).toBe(false);
  });

  it('switches the shown agent through its parent', async () => {
    const test = createTestApi({
      listAgents: ok(fleet(agent('a1', 'east'), agent('b2', 'west'))),
      getAgentConfig: (p) =>
        ok(
          configView(p.agentId, p.agentId === 'a1' ? 1 : 2, {
            pools: [pool(`svc-${p.agentId}`)],
            virtualServices: [service(`svc-${p.agentId}`)],
          }),
        ),
      healthSnapshot: ok(health()),
    });
    function Shell() {
      const [id, setId] = useState<string>();
      return <AgentScreen agentId={id} onSelectAgent={setId} />;
    }
    renderWithApi(<Shell />, test);
    await screen.findByRole('option', { name: 'b2' });
    fireEvent.change(picker(), { target: { value: 'b2' } });
    expect(await serviceCard('svc-b2')).toBeTruthy();
    expect(await poolCard('svc-b2')).toBeTruthy();
    expect(picker().value).toBe('b2');
  });

  it('says so when no agent is paired', async () => {
    setup({ listAgents: ok(fleet()) }, { agentId: undefined });
    expect(await screen.findByText(/No agents paired yet/)).toBeTruthy();
  });
});

describe('AgentScreen: an agent', () => {
  it('shows loading while the configuration is fetched', () => {
    setup({ getAgentConfig: () => pending() });
    expect(screen.getByText('Loading configuration…')).toBeTruthy();
  });

  it('shows the agent, its engine and revision', async () => {
    setup();
    await poolCard('cas');
    const summary = screen.getByRole('region', { name: 'a1' });
    await waitFor(() => expect(summary.textContent).toMatch(/Siteeast/));
    expect(summary.textContent).toMatch(/Stateonline/);
    expect(summary.textContent).toMatch(/Enginebuiltin \(portico 0\.1\.0\)/);
    expect(summary.textContent).toMatch(/Revision4/);
  });

  it('shows each pool: who uses it, how it balances and checks, its servers with live health', async () => {
    setup();
    const cas = await poolCard('cas');
    const text = cas.textContent ?? '';
    expect(text).toContain('Used byowa');
    expect(text).toContain('least-connections');
    expect(text).toContain('cookie MS-WSMAN, 600 s');
    expect(text).toContain('HTTPS GET /owa/healthcheck.htm every 2000 ms');
    expect(text).toContain('verified against CA corp-root, SNI mail.corp.example');
    expect(text).toContain('connect 1000 ms, server 120000 ms, 1 retry');

    const cells = (card: HTMLElement, name: string) =>
      within(within(card).getByRole('row', { name }))
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(within(cas).getByRole('table', { name: 'Real servers of cas' })).toBeTruthy();
    // Traffic from the agent's status: in flight, connections, requests, errors (every code).
    await waitFor(() =>
      expect(cells(cas, 'cas1')).toEqual([
        'cas1',
        '10.0.1.1:443',
        '3',
        'enabled',
        'up',
        '2',
        '40',
        '1,200',
        '4',
        'Drain',
      ]),
    );
    expect(cells(cas, 'cas2')).toEqual([
      'cas2',
      '10.0.1.2:443',
      '1',
      'draining',
      'down connect ECONNREFUSED',
      '0',
      '0',
      '0',
      '0',
      'Enable',
    ]);
    // A pool the health snapshot and the status do not report yet.
    expect(cells(await poolCard('ad'), 'ad1').slice(4, 9)).toEqual(['not reported', '—', '—', '—', '—']);
  });

  it('shows each service: where it listens and which pools it sends to', async () => {
    setup();
    const owa = await serviceCard('owa');
    await waitFor(() =>
      expect(owa.textContent).toContain('Traffic12 open connections, 4,100 requests (3 5xx), 2 refused'),
    );
    const text = owa.textContent ?? '';
    expect(text).toContain('https');
    expect(text).toContain('192.0.2.1:443');
    expect(text).toContain('owa-2025, legacy');
    expect(text).toContain('Default poolcas');
    expect(text).toContain('autodiscover: hosts autodiscover.corp.example, path /autodiscover → pool ad');
    expect(text).toContain('Deny paths/ecp');
    expect(text).toContain('Forwarded headersappend');
    const web = await serviceCard('web');
    expect(web.textContent).toContain('0.0.0.0:8080');
    expect(web.textContent).toContain('Content rulesnone');
  });

  it('shows a tcp service with its pool and a redirect with its target', async () => {
    setup({
      getAgentConfig: ok(
        configView('a1', 2, {
          pools: [pool('ts')],
          virtualServices: [
            service('rdp', { protocol: 'tcp', pool: 'ts', listen: { port: 3389 } }),
            service('to-https', { protocol: 'redirect', pool: undefined, listen: { port: 80 }, status: 308 }),
          ],
        }),
      ),
    });
    expect((await serviceCard('rdp')).textContent).toContain('Poolts');
    expect((await serviceCard('to-https')).textContent).toContain('to HTTPS on port 443 (308)');
    expect((await poolCard('ts')).textContent).toContain('Used byrdp');
  });

  it('says so when the agent has no pool and no service', async () => {
    setup({ getAgentConfig: ok(configView('a1', 0)) });
    expect(await screen.findByText(/No pool yet/)).toBeTruthy();
    expect(screen.getByText('This agent runs no virtual service yet.')).toBeTruthy();
  });

  it('shows a failed configuration fetch inline, with a retry that refetches', async () => {
    const { test } = setup({ getAgentConfig: fail('AGENT_OFFLINE', 'The agent a1 is not connected.') });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the configuration');
    expect(alert.textContent).toContain('The agent a1 is not connected.');
    expect(alert.getAttribute('data-code')).toBe('AGENT_OFFLINE');
    for (const name of ['New pool', 'New virtual service']) {
      expect((screen.getByRole('button', { name }) as HTMLButtonElement).disabled).toBe(true);
    }
    test.handle('getAgentConfig', ok(exchangeConfig(5)));
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await serviceCard('web')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('still shows the pools when live health is unavailable', async () => {
    setup({ healthSnapshot: fail('INTERNAL', 'snapshot failed (ref 7)') });
    expect(await poolCard('cas')).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toContain('Live health unavailable');
  });

  it('says quietly that figures are missing when the status cannot be read', async () => {
    setup({ agentStatus: fail('TIMEOUT', 'The agent did not answer in time.') });
    const cas = await poolCard('cas');
    expect(
      await screen.findByText('Traffic figures unavailable: The agent did not answer in time.'),
    ).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(within(cas).getByRole('row', { name: 'cas1' }).textContent).toContain('——');
  });

  it('reads the status again every 5 s while shown (app.test.tsx: not while hidden)', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { test } = setup();
      const reads = () => test.calls.filter((c) => c.channel === 'agentStatus').length;
      await poolCard('cas');
      await waitFor(() => expect(reads()).toBe(1));
      await vi.advanceTimersByTimeAsync(5_100);
      await waitFor(() => expect(reads()).toBe(2));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('AgentScreen: drain and enable', () => {
  it('drains pool/server with the revision on screen, then refetches the configuration', async () => {
    const { test } = setup({ setRealServerEnabled: ok({ revision: 5 }) });
    const cas = await poolCard('cas');
    const before = configCalls(test);
    fireEvent.click(within(cas).getByRole('button', { name: 'Drain cas/cas1' }));
    await waitFor(() => expect(configCalls(test)).toBe(before + 1));
    expect(test.calls.find((c) => c.channel === 'setRealServerEnabled')?.params).toEqual({
      agentId: 'a1',
      pool: 'cas',
      server: 'cas1',
      enabled: false,
      expectRevision: 4,
    });
  });

  it('enables a drained one', async () => {
    const { test } = setup({ setRealServerEnabled: ok({ revision: 5 }) });
    fireEvent.click(within(await poolCard('cas')).getByRole('button', { name: 'Enable cas/cas2' }));
    await waitFor(() =>
      expect(test.calls.find((c) => c.channel === 'setRealServerEnabled')?.params).toMatchObject({
        pool: 'cas',
        server: 'cas2',
        enabled: true,
      }),
    );
  });

  it('keeps a refusal on the row and fetches the current revision after a conflict', async () => {
    const { test } = setup({
      setRealServerEnabled: fail('CONFLICT', 'revision 4 is not the running revision 6', {
        currentRevision: 6,
      }),
    });
    const cas = await poolCard('cas');
    const before = configCalls(test);
    fireEvent.click(within(cas).getByRole('button', { name: 'Drain cas/cas1' }));
    const alert = await within(cas).findByRole('alert');
    expect(alert.textContent).toContain('Could not drain cas1');
    expect(alert.textContent).toContain('revision 4 is not the running revision 6');
    await waitFor(() => expect(configCalls(test)).toBe(before + 1));
  });
});

describe('AgentScreen: removing', () => {
  it('asks once more, then removes an unused pool with the revision on screen', async () => {
    const { test } = setup({ removePool: ok({ revision: 5 }) });
    const web = await poolCard('web');
    fireEvent.click(within(web).getByRole('button', { name: 'Remove pool web' }));
    expect(test.calls.some((c) => c.channel === 'removePool')).toBe(false);
    fireEvent.click(within(web).getByRole('button', { name: 'Keep it' }));
    fireEvent.click(within(web).getByRole('button', { name: 'Remove pool web' }));
    test.handle('getAgentConfig', ok(configView('a1', 5)));
    fireEvent.click(within(web).getByRole('button', { name: 'Yes, remove web' }));
    expect((await screen.findByRole('status')).textContent).toContain(
      'Applied — revision 5 (removed pool web)',
    );
    expect(test.calls.filter((c) => c.channel === 'removePool').map((c) => c.params)).toEqual([
      { agentId: 'a1', name: 'web', expectRevision: 4 },
    ]);
    await waitFor(() => expect(screen.queryByRole('article', { name: 'Pool web' })).toBeNull());
  });

  it('says in words which services keep a pool the agent refuses to remove (IN_USE)', async () => {
    setup({
      removePool: fail(
        'IN_USE',
        'pool "cas" is used by "owa", "smtp"; change or remove those services first',
        {
          agentCode: 'IN_USE',
          usedBy: ['owa', 'smtp'],
        },
      ),
    });
    const cas = await poolCard('cas');
    fireEvent.click(within(cas).getByRole('button', { name: 'Remove pool cas' }));
    fireEvent.click(within(cas).getByRole('button', { name: 'Yes, remove cas' }));
    const alert = await within(cas).findByRole('alert');
    expect(alert.textContent).toBe(
      'Not removed: Pool cas is still used by the virtual services owa and smtp: point them at another pool or remove them first.',
    );
    // The card stays, with its Remove button back.
    expect(within(cas).getByRole('button', { name: 'Remove pool cas' })).toBeTruthy();
  });

  it('removes a virtual service', async () => {
    const { test } = setup({ removeVirtualService: ok({ revision: 5 }) });
    const web = await serviceCard('web');
    fireEvent.click(within(web).getByRole('button', { name: 'Remove virtual service web' }));
    // The confirmation says what goes and from where.
    const ask = within(web).getByRole('group', { name: 'Remove virtual service web?' });
    expect(ask.textContent).toMatch(
      /Remove virtual service web from a1 \(site east\): its listener on .+:\d+ closes/,
    );
    fireEvent.click(within(web).getByRole('button', { name: 'Yes, remove web' }));
    expect((await screen.findByRole('status')).textContent).toContain('removed virtual service web');
    expect(test.calls.find((c) => c.channel === 'removeVirtualService')?.params).toEqual({
      agentId: 'a1',
      name: 'web',
      expectRevision: 4,
    });
  });

  it('keeps any other refusal on the card', async () => {
    setup({ removeVirtualService: fail('AGENT_OFFLINE', 'The agent a1 is not connected.') });
    const web = await serviceCard('web');
    fireEvent.click(within(web).getByRole('button', { name: 'Remove virtual service web' }));
    fireEvent.click(within(web).getByRole('button', { name: 'Yes, remove web' }));
    const alert = await within(web).findByRole('alert');
    expect(alert.textContent).toContain('Could not remove virtual service web');
    expect(alert.getAttribute('data-code')).toBe('AGENT_OFFLINE');
  });
});
