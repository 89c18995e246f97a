import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../../shared/ipc/alerts.ts';
import type { ServiceCard, ServicePage, SiteTile } from '../../../shared/ipc/dashboard.ts';
import { T0 } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok } from '../../../test/support/renderer/test-api.ts';
import { DashboardScreen } from './dashboard-screen.tsx';

afterEach(cleanup);

const tile = (site: string, level: SiteTile['level'] = 'ok', problems: string[] = []): SiteTile => ({
  site,
  agents: { online: 2, total: 2 },
  services: 3,
  servers: { up: 5, down: level === 'critical' ? 1 : 0, drained: 0, unknown: 0 },
  traffic: { at: T0, rate: 1234, fail: 2.5, failPercent: 0.2, p99Ms: 84, active: 40 },
  level,
  problems,
});

const AT = [1000, 1010, 1020];
const card = (name: string, agentId = 'a1'): ServiceCard => ({
  agentId,
  agentName: `lb-${agentId}`,
  site: 'east',
  name,
  protocol: 'http',
  online: true,
  pools: [
    {
      name,
      counts: { up: 1, down: 1, drained: 0, unknown: 0 },
      members: [
        { key: `${name}/rs1`, name: 'rs1', state: 'down', enabled: true },
        { key: `${name}/rs2`, name: 'rs2', state: 'up', enabled: true },
      ],
    },
  ],
  series: {
    stepSeconds: 10,
    at: AT,
    rate: [10, null, 12],
    fail: [0, null, 1],
    p99Ms: [20, null, 31.5],
    active: [3, null, 4],
  },
  now: { rate: 12, fail: 1, failPercent: 8.3, p99Ms: 31.5, active: 4 },
  level: 'critical',
  problems: ['1 real server down'],
});

const page = (site: string, cards: ServiceCard[], total = cards.length, offset = 0): ServicePage => ({
  site,
  range: '1h',
  total,
  offset,
  cards,
});

const alert = (n: number): Alert => ({
  id: `server-down|a1|web/rs${n}`,
  kind: 'server-down',
  severity: 'critical',
  message: `Real server web/rs${n} on lb-a1 (east) is down`,
  agentId: 'a1',
  site: 'east',
  raisedAt: T0,
  count: 1,
});

function setup() {
  const test = createTestApi({
    dashboard: ok({ at: T0, sites: [tile('east', 'critical', ['1 real server down']), tile('west')] }),
    dashboardServices: (p) => ok(page(p.site, p.site === 'east' ? [card('web')] : [card('mail', 'a2')])),
    listAlerts: ok({ alerts: [alert(1), { ...alert(2), acknowledgedAt: T0 }], unacknowledged: 1 }),
    acknowledgeAlerts: ok({ acknowledged: 1 }),
  });
  const nav = { onOpenHealth: vi.fn(), onOpenAgent: vi.fn() };
  renderWithApi(<DashboardScreen {...nav} />, test);
  return { test, nav };
}

const calls = (test: ReturnType<typeof setup>['test'], channel: string) =>
  test.calls.filter((c) => c.channel === channel);

describe('DashboardScreen', () => {
  it('shows a tile per site with its figures, and says what is wrong where', async () => {
    setup();
    const east = await screen.findByRole('region', { name: 'Site east' });
    expect(east.className).toContain('level-critical');
    expect(within(east).getByText('Problem')).toBeTruthy();
    expect(within(east).getByRole('list', { name: 'Problems at east' }).textContent).toBe(
      '1 real server down',
    );
    expect(east.textContent).toContain('1.2k/s');
    expect(east.textContent).toContain('84 ms');
    expect(east.textContent).toContain('2/2');
    const west = screen.getByRole('region', { name: 'Site west' });
    expect(west.className).toContain('level-ok');
    expect(within(west).queryByRole('list')).toBeNull();
  });

  it("opens on the site with a problem, then another site's services and another range", async () => {
    const { test } = setup();
    const web = await screen.findByRole('article', { name: 'web on lb-a1' });
    expect(calls(test, 'dashboardServices')[0]!.params).toMatchObject({
      site: 'east',
      range: '1h',
      offset: 0,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Services of west' }));
    expect(await screen.findByRole('article', { name: 'mail on lb-a2' })).toBeTruthy();
    expect(web.isConnected).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Last 24 h' }));
    await waitFor(() =>
      expect(calls(test, 'dashboardServices').at(-1)!.params).toMatchObject({ site: 'west', range: '24h' }),
    );
    expect(screen.getByRole('button', { name: 'Last 24 h' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('draws each service in words where no canvas exists: latest and highest of each chart', async () => {
    setup();
    const web = await screen.findByRole('article', { name: 'web on lb-a1' });
    const captions = within(web)
      .getAllByRole('figure')
      .map((f) => f.textContent);
    expect(captions).toEqual([
      'Requests 12/s now, highest 12/s',
      '5xx 1/s now, highest 1/s',
      'p99 latency 32 ms now, highest 32 ms',
      'Open connections 4 now, highest 4',
    ]);
    const members = within(web).getByRole('list', { name: 'Members of pool web on lb-a1' });
    expect(
      within(members)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['rs1 down', 'rs2 up']);
  });

  it('goes to the Health screen for a site or a pool, and to the Agent screen', async () => {
    const { nav } = setup();
    const web = await screen.findByRole('article', { name: 'web on lb-a1' });
    fireEvent.click(within(web).getByRole('button', { name: 'Health of pool web' }));
    expect(nav.onOpenHealth).toHaveBeenLastCalledWith({ agentId: 'a1', text: 'web/' });
    fireEvent.click(within(web).getByRole('button', { name: 'Open lb-a1' }));
    expect(nav.onOpenAgent).toHaveBeenCalledWith('a1');
    fireEvent.click(screen.getByRole('button', { name: 'Health of west' }));
    expect(nav.onOpenHealth).toHaveBeenLastCalledWith({ site: 'west' });
  });

  it('pages through a site of many services', async () => {
    const { test } = setup();
    test.handle('dashboardServices', (p) =>
      ok(
        page(
          p.site,
          Array.from({ length: 12 }, (_, i) => card(`s${(p.offset ?? 0) + i}`)),
          30,
          p.offset ?? 0,
        ),
      ),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Services of east' }));
    fireEvent.click(screen.getByRole('button', { name: 'Last hour' }));
    await screen.findByText(/1–12 of 30 services/);
    fireEvent.click(screen.getByRole('button', { name: 'Next 12' }));
    expect(await screen.findByRole('article', { name: 's12 on lb-a1' })).toBeTruthy();
    expect(calls(test, 'dashboardServices').at(-1)!.params).toMatchObject({ offset: 12, limit: 12 });
  });

  it('lists the alerts needing attention and acknowledges one', async () => {
    const { test } = setup();
    const list = await screen.findByRole('list', { name: 'Alerts needing attention' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByText('1 needs attention, 1 acknowledged')).toBeTruthy();
    const before = calls(test, 'listAlerts').length;
    fireEvent.click(within(list).getByRole('button', { name: `Acknowledge: ${alert(1).message}` }));
    await waitFor(() => expect(calls(test, 'acknowledgeAlerts')).toHaveLength(1));
    expect(calls(test, 'acknowledgeAlerts')[0]!.params).toEqual({ ids: [alert(1).id] });
    await waitFor(() => expect(calls(test, 'listAlerts').length).toBe(before + 1));
    fireEvent.click(screen.getByRole('button', { name: 'Show all 2' }));
    expect(within(screen.getByRole('list', { name: 'All alerts' })).getAllByRole('listitem')).toHaveLength(2);
  });

  it('asks again when events say alerts or what a tile shows changed', async () => {
    const { test } = setup();
    await screen.findByRole('article', { name: 'web on lb-a1' });
    const views = calls(test, 'dashboard').length;
    const lists = calls(test, 'listAlerts').length;
    act(() => test.emit({ type: 'alerts', raised: [alert(3)], more: 0 }));
    act(() =>
      test.emit({
        type: 'health',
        changes: [
          { agentId: 'a1', server: { key: 'web/rs2', pool: 'web', server: 'rs2', state: 'down', since: T0 } },
        ],
      }),
    );
    await waitFor(() => expect(calls(test, 'listAlerts').length).toBe(lists + 1));
    await waitFor(() => expect(calls(test, 'dashboard').length).toBeGreaterThan(views));
  });
});
