import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent, fleet, health, healthAgent, server } from '../../test/fixtures.ts';
import { renderWithApi } from '../../test/render.tsx';
import { createTestApi, fail, ok, pending, type Handlers } from '../../test/test-api.ts';
import { configView, richService, service } from './agent-test-data.ts';
import { AgentScreen } from './agent-screen.tsx';

afterEach(cleanup);

function setup(handlers: Handlers = {}, { agentId }: { agentId: string | undefined } = { agentId: 'a1' }) {
  const test = createTestApi({
    listAgents: ok(fleet(agent('a1', 'east'), agent('b2', 'west'))),
    getAgentConfig: ok(configView('a1', 4, richService(), service('web'))),
    healthSnapshot: ok(
      health(
        healthAgent(agent('a1', 'east'), {
          owa: [
            server('owa', 'cas1', 'up'),
            server('owa', 'cas2', 'down', undefined, 'connect ECONNREFUSED'),
          ],
        }),
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
const card = (name: string) => screen.findByRole('article', { name });
const configCalls = (test: ReturnType<typeof setup>['test']) =>
  test.calls.filter((c) => c.channel === 'getAgentConfig').length;

describe('AgentScreen: choosing an agent', () => {
  it('lists the paired agents by site and asks for one, fetching no configuration', async () => {
    const { test, onSelectAgent } = setup({}, { agentId: undefined });
    expect(screen.getByText(/Choose an agent to see its virtual services/)).toBeTruthy();
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
        ok(configView(p.agentId, p.agentId === 'a1' ? 1 : 2, service(`svc-${p.agentId}`))),
      healthSnapshot: ok(health()),
    });
    function Shell() {
      const [id, setId] = useState<string>();
      return <AgentScreen agentId={id} onSelectAgent={setId} />;
    }
    renderWithApi(<Shell />, test);
    await screen.findByRole('option', { name: 'b2' });
    fireEvent.change(picker(), { target: { value: 'b2' } });
    expect(await card('svc-b2')).toBeTruthy();
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

  it('shows the agent, its revision and what each virtual service does', async () => {
    setup();
    const owa = await card('owa');
    const summary = screen.getByRole('region', { name: 'a1' });
    await waitFor(() => expect(summary.textContent).toMatch(/Siteeast/));
    expect(summary.textContent).toMatch(/Stateonline/);
    expect(summary.textContent).toMatch(/Revision4/);

    const text = owa.textContent ?? '';
    expect(text).toContain('https');
    expect(text).toContain('192.0.2.1:443');
    expect(text).toContain('owa-2025, legacy');
    expect(text).toContain('least-connections');
    expect(text).toContain('cookie MS-WSMAN, 600 s');
    expect(text).toContain('HTTPS GET /owa/healthcheck.htm every 2000 ms');
    expect(text).toContain('verified against CA corp-root, SNI mail.corp.example');

    const cells = (name: string) =>
      within(within(owa).getByRole('row', { name }))
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(cells('cas1')).toEqual(['cas1', '10.0.1.1:443', '3', 'enabled', 'up', 'Drain']);
    expect(cells('cas2')).toEqual([
      'cas2',
      '10.0.1.2:443',
      '1',
      'draining',
      'down connect ECONNREFUSED',
      'Enable',
    ]);
    // A content rule's group is listed under its own caption.
    expect(within(owa).getByRole('table', { name: 'Content rule autodiscover' })).toBeTruthy();
    expect(cells('ad1')[4]).toBe('not reported');
  });

  it('shows a failed configuration fetch inline, with a retry that refetches', async () => {
    const { test } = setup({ getAgentConfig: fail('AGENT_OFFLINE', 'The agent a1 is not connected.') });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load the configuration');
    expect(alert.textContent).toContain('The agent a1 is not connected.');
    expect(alert.textContent).toContain('AGENT_OFFLINE');
    expect((screen.getByRole('button', { name: 'New virtual service' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
    test.handle('getAgentConfig', ok(configView('a1', 5, service('web'))));
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await card('web')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('still shows the services when live health is unavailable', async () => {
    setup({ healthSnapshot: fail('INTERNAL', 'snapshot failed (ref 7)') });
    expect(await card('owa')).toBeTruthy();
    expect((await screen.findByRole('alert')).textContent).toContain('Live health unavailable');
  });
});

describe('AgentScreen: drain and enable', () => {
  it('drains a real server with the revision on screen, then refetches the configuration', async () => {
    const { test } = setup({ setRealServerEnabled: ok({ revision: 5 }) });
    const owa = await card('owa');
    const before = configCalls(test);
    fireEvent.click(within(owa).getByRole('button', { name: 'Drain cas1 of owa' }));
    await waitFor(() => expect(configCalls(test)).toBe(before + 1));
    expect(test.calls.find((c) => c.channel === 'setRealServerEnabled')?.params).toEqual({
      agentId: 'a1',
      virtualService: 'owa',
      realServer: 'cas1',
      enabled: false,
      expectRevision: 4,
    });
  });

  it('enables a drained one', async () => {
    const { test } = setup({ setRealServerEnabled: ok({ revision: 5 }) });
    fireEvent.click(within(await card('owa')).getByRole('button', { name: 'Enable cas2 of owa' }));
    await waitFor(() =>
      expect(test.calls.find((c) => c.channel === 'setRealServerEnabled')?.params).toMatchObject({
        realServer: 'cas2',
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
    const owa = await card('owa');
    const before = configCalls(test);
    fireEvent.click(within(owa).getByRole('button', { name: 'Drain cas1 of owa' }));
    const alert = await within(owa).findByRole('alert');
    expect(alert.textContent).toContain('Could not drain cas1');
    expect(alert.textContent).toContain('revision 4 is not the running revision 6');
    await waitFor(() => expect(configCalls(test)).toBe(before + 1));
  });
});
