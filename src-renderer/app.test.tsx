import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configView, pool, service } from './features/agent/agent-test-data.ts';
import { inspection } from './features/certs/cert-fixtures.ts';
import { agent, fleet, health, healthAgent, server, T0 } from '../test/support/renderer/fixtures.ts';
import { createTestApi, ok } from '../test/support/renderer/test-api.ts';
import { scrollerViewport } from '../test/support/renderer/scroller-viewport.ts';
import { DEFAULT_SETTINGS_VIEW } from '../shared/ipc/settings.ts';
import { App } from './app.tsx';

afterEach(cleanup);
// The route lives in the URL: each test starts without one, as a fresh window does.
afterEach(() => window.history.replaceState(null, '', window.location.pathname));

/** What the Dashboard asks for when it opens first (agents are paired). */
const DASHBOARD = {
  dashboard: ok({ at: T0, sites: [] }),
  listAlerts: ok({ alerts: [], unacknowledged: 0 }),
  getSettings: ok(DEFAULT_SETTINGS_VIEW),
};

function setup() {
  const test = createTestApi({
    listAgents: ok(fleet(agent('a1', 'east'))),
    listDiscovered: ok([]),
    healthSnapshot: ok(health()),
    ...DASHBOARD,
  });
  render(<App api={test.api} />);
  return test;
}

/** The screens start on the Dashboard once agents are paired; most tests start on Fleet. */
async function openFleet() {
  fireEvent.click(await screen.findByRole('button', { name: 'Fleet' }));
  await screen.findByRole('heading', { name: 'Fleet' });
}

describe('App', () => {
  it('opens on the Dashboard once agents are paired, and switches screens from the nav', async () => {
    const test = setup();
    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeTruthy();
    // Nothing of the Fleet screen was mounted on the way: its health snapshot is the whole fleet.
    expect(test.calls.map((c) => c.channel)).not.toContain('healthSnapshot');
    fireEvent.click(screen.getByRole('button', { name: 'Health' }));
    expect(await screen.findByRole('heading', { name: 'Health' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Health' }).getAttribute('aria-current')).toBe('page');
  });

  it('opens on Fleet, where pairing starts, while no agent is paired', async () => {
    const test = createTestApi({
      listAgents: ok(fleet()),
      listDiscovered: ok([]),
      healthSnapshot: ok(health()),
      ...DASHBOARD,
    });
    render(<App api={test.api} />);
    expect(await screen.findByRole('heading', { name: 'Fleet' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Dashboard' })).toBeNull();
  });

  it.each([
    ['ArrowRight', 'Health'],
    ['ArrowLeft', 'Dashboard'],
    ['End', 'About'],
    ['Home', 'Dashboard'],
  ])('moves focus with %s to %s', (key, label) => {
    setup();
    const fleetButton = screen.getByRole('button', { name: 'Fleet' });
    fleetButton.focus();
    fireEvent.keyDown(fleetButton, { key });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: label }));
  });

  it('refetches what is shown on resync', async () => {
    const test = setup();
    await openFleet();
    await screen.findByRole('row', { name: 'a1' });
    const before = test.calls.filter((c) => c.channel === 'listAgents').length;
    test.handle('listAgents', ok(fleet(agent('a1', 'east'), agent('a2', 'west'))));
    test.emit({ type: 'resync' });
    expect(await screen.findByRole('row', { name: 'a2' })).toBeTruthy();
    await waitFor(() => expect(test.calls.filter((c) => c.channel === 'listAgents').length).toBe(before + 1));
  });
});

describe('App: work in progress', () => {
  it('keeps an inspected certificate while the admin looks at another screen', async () => {
    const test = setup();
    test.handle('certificateUsage', ok({ certificates: [], unreachable: [] }));
    test.handle('inspectCertificates', ok(inspection()));
    fireEvent.click(screen.getByRole('button', { name: 'Certificates' }));
    fireEvent.drop(await screen.findByRole('region', { name: 'Certificate files' }), {
      dataTransfer: { files: [new File([new Uint8Array([1, 2, 3])], 'leaf.pem')] },
    });
    await screen.findByRole('list', { name: 'Chain, leaf first' });

    fireEvent.click(screen.getByRole('button', { name: 'Health' }));
    expect(await screen.findByRole('heading', { name: 'Health' })).toBeTruthy();
    // Hidden, not gone: nothing of it is exposed while another screen shows.
    expect(screen.queryByRole('list', { name: 'Chain, leaf first' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Certificates' }));
    expect(await screen.findByRole('list', { name: 'Chain, leaf first' })).toBeTruthy();
    expect(test.calls.filter((c) => c.channel === 'inspectCertificates')).toHaveLength(1);
  });
});

describe('App: one change seen on every screen', () => {
  // happy-dom does no layout: give the health list a viewport so the virtualiser renders rows.
  scrollerViewport('health-scroller', 600);

  it('follows a drain made on the Health screen on the Agent screen too', async () => {
    const before = configView('a1', 4, { pools: [pool('web')], virtualServices: [service('web')] });
    const test = createTestApi({
      listAgents: ok(fleet(agent('a1', 'east'))),
      listDiscovered: ok([]),
      healthSnapshot: ok(health(healthAgent(agent('a1', 'east'), { web: [server('web', 'rs1', 'up')] }, 4))),
      getAgentConfig: ok(before),
      setRealServerEnabled: ok({ revision: 5 }),
      ...DASHBOARD,
    });
    render(<App api={test.api} />);
    await openFleet();
    fireEvent.click(await screen.findByRole('button', { name: 'Open a1' }));
    const card = await screen.findByRole('article', { name: 'Pool web' });
    expect(within(card).getByRole('row', { name: 'rs1' }).textContent).toContain('enabled');

    fireEvent.click(screen.getByRole('button', { name: 'Health' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Drain web/rs1 on a1' }));
    await screen.findByRole('button', { name: 'Enable web/rs1 on a1' });
    // The answer moved the health view to revision 5 already; the event announcing revision 5
    // must still reach the Agent screen's configuration, still at 4.
    const drained = structuredClone(before);
    drained.revision = drained.config.revision = 5;
    drained.config.pools[0]!.servers[0]!.enabled = false;
    test.handle('getAgentConfig', ok(drained));
    act(() => test.emit({ type: 'config', agentId: 'a1', revision: 5 }));

    fireEvent.click(screen.getByRole('button', { name: 'Agent' }));
    await waitFor(() =>
      expect(
        within(screen.getByRole('article', { name: 'Pool web' })).getByRole('row', { name: 'rs1' })
          .textContent,
      ).toContain('draining'),
    );
  });
});

describe('App: hidden screens', () => {
  it("does not read an agent's status while the Agent screen is hidden", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const test = createTestApi({
        listAgents: ok(fleet(agent('a1', 'east'))),
        listDiscovered: ok([]),
        healthSnapshot: ok(health()),
        getAgentConfig: ok(configView('a1', 1)),
        agentStatus: ok({ agentId: 'a1', at: T0, pools: [], virtualServices: [], unexpectedErrors: 0 }),
        ...DASHBOARD,
      });
      render(<App api={test.api} />);
      const reads = () => test.calls.filter((c) => c.channel === 'agentStatus').length;
      await openFleet();
      fireEvent.click(await screen.findByRole('button', { name: 'Open a1' }));
      await waitFor(() => expect(reads()).toBe(1));
      fireEvent.click(screen.getByRole('button', { name: 'Fleet' }));
      await vi.advanceTimersByTimeAsync(20_000);
      expect(reads()).toBe(1);
      // Shown again: read at once, then every 5 s.
      fireEvent.click(screen.getByRole('button', { name: 'Agent' }));
      await waitFor(() => expect(reads()).toBe(2));
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not refresh the fleet's certificates (a fan-out to every agent) while its screen is hidden", async () => {
    const test = setup();
    test.handle('fleetCertificates', ok({ certificates: [], unreachable: [] }));
    const usageCalls = () => test.calls.filter((c) => c.channel === 'fleetCertificates').length;
    fireEvent.click(screen.getByRole('button', { name: 'Certificates' }));
    await waitFor(() => expect(usageCalls()).toBe(1));

    fireEvent.click(screen.getByRole('button', { name: 'Fleet' }));
    act(() => test.emit({ type: 'config', agentId: 'a1', revision: 5 }));
    await new Promise((r) => setTimeout(r, 50));
    expect(usageCalls()).toBe(1);

    // Shown again: the change it missed is fetched once.
    fireEvent.click(screen.getByRole('button', { name: 'Certificates' }));
    await waitFor(() => expect(usageCalls()).toBe(2));
  });
});

describe('App: every screen has an address', () => {
  it('opens the screen and the filters the URL names, and keeps what the admin changes in it', async () => {
    window.history.replaceState(null, '', '#/health?state=down&q=cas');
    setup();
    expect(await screen.findByRole('heading', { name: 'Health' })).toBeTruthy();
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'State' }).value).toBe('down');
    expect(screen.getByRole<HTMLInputElement>('searchbox', { name: 'Name' }).value).toBe('cas');
    fireEvent.change(screen.getByRole('combobox', { name: 'Site' }), { target: { value: '' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'State' }), { target: { value: 'up' } });
    await waitFor(() => expect(window.location.hash).toBe('#/health?state=up&q=cas'));
  });

  it("keeps the Dashboard's time range in the URL", async () => {
    window.history.replaceState(null, '', '#/dashboard?range=24h');
    setup();
    const range = await screen.findByRole('group', { name: 'Time range' });
    expect(within(range).getByRole('button', { pressed: true }).textContent).toBe('Last 24 h');
    fireEvent.click(within(range).getByRole('button', { name: 'Last 15 min' }));
    await waitFor(() => expect(window.location.hash).toBe('#/dashboard?range=15m'));
  });

  it('puts the screen chosen in the nav into the URL, and Back returns to the one before', async () => {
    setup();
    await openFleet();
    expect(window.location.hash).toBe('#/fleet');
    fireEvent.click(screen.getByRole('button', { name: 'Activity' }));
    expect(window.location.hash).toBe('#/activity');
    expect(await screen.findByRole('heading', { name: 'Activity' })).toBeTruthy();
    act(() => {
      window.history.replaceState(null, '', '#/about');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(await screen.findByRole('heading', { name: 'About' })).toBeTruthy();
  });

  it('lists the keyboard shortcuts on ?, opens screens with g then a letter, and / goes to the search', async () => {
    setup();
    await screen.findByRole('heading', { name: 'Dashboard' });
    fireEvent.keyDown(document.body, { key: '?' });
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog.textContent).toContain('g then hOpen Health');
    fireEvent.keyDown(within(dialog).getByRole('button', { name: 'Close' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.keyDown(document.body, { key: 'g' });
    fireEvent.keyDown(document.body, { key: 'h' });
    expect(await screen.findByRole('heading', { name: 'Health' })).toBeTruthy();
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(
      screen.getByRole('searchbox', { name: 'Search agents, services, servers and certificates' }),
    );
    // Typed into a field, the same keys are text.
    fireEvent.keyDown(document.activeElement!, { key: '?' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('switches to denser rows and remembers it', async () => {
    setup();
    const toggle = await screen.findByRole('button', { name: 'Dense rows' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(document.querySelector('.app')?.classList.contains('density-compact')).toBe(true);
    expect(window.localStorage.getItem('portico.density')).toBe('compact');
    fireEvent.click(toggle);
    expect(window.localStorage.getItem('portico.density')).toBe('comfortable');
  });
});
