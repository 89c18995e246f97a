import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthHistory } from '../../../shared/ipc/health.ts';
import { agent, at, health, healthAgent, server } from '../../../test/support/renderer/fixtures.ts';
import { largeFleet } from '../../../test/support/renderer/large-fleet.ts';
import { scrollerViewport } from '../../../test/support/renderer/scroller-viewport.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok, pending, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { DensityToggle, useDensity } from '../display/density.tsx';
import { COMPACT_ROW_HEIGHT, ROW_HEIGHT } from './health-list.tsx';
import { HealthScreen } from './health-screen.tsx';

// happy-dom does no layout: give the scroller a viewport so the virtualiser renders rows.
const VIEWPORT = 600;
scrollerViewport('health-scroller', VIEWPORT);
afterEach(cleanup);

// a1's pool web serves two services; drain on a row reaches both.
const view = () =>
  health(
    healthAgent(
      agent('a1', 'east'),
      {
        web: [
          server('web', 'alpha', 'up'),
          server('web', 'bravo', 'down', at(3), 'HTTP 503 from /owa/healthcheck.htm'),
        ],
      },
      1,
      { www: ['web'], intranet: ['web'] },
    ),
    healthAgent(agent('a2', 'west'), { mail: [server('mail', 'charlie', 'up')] }),
  );

function setup(handlers: Handlers = {}) {
  const test = createTestApi({ healthSnapshot: ok(view()), ...handlers });
  return { test, ...renderWithApi(<HealthScreen />, test) };
}

/** The server rows, by name: the header row (no label) is not one of them. */
const rowNames = () =>
  screen
    .queryAllByRole('row')
    .filter((r) => r.hasAttribute('aria-label'))
    .map((r) => r.getAttribute('aria-label'));

describe('HealthScreen', () => {
  it('shows loading', () => {
    setup({ healthSnapshot: () => pending() });
    expect(screen.getByText('Loading health…')).toBeTruthy();
  });

  it('shows a failure inline', async () => {
    setup({ healthSnapshot: fail('TRANSPORT', 'the Console did not answer') });
    expect((await screen.findByRole('alert')).textContent).toContain('the Console did not answer');
  });

  it('says when there is nothing to show', async () => {
    setup({ healthSnapshot: ok(health(healthAgent(agent('a1', 'east'), {}))) });
    expect(await screen.findByText(/No real servers/)).toBeTruthy();
  });

  it('has column headers over one grid that the rows of every site share', async () => {
    setup();
    await waitFor(() => expect(rowNames()).toHaveLength(3));
    const table = screen.getByRole('table', { name: 'Real servers' });
    const headers = within(table).getAllByRole('columnheader');
    expect(headers.map((h) => h.textContent)).toEqual([
      'Selected',
      'State',
      'Real server',
      'Agent and site',
      'Reason',
      'Last hour',
      'Actions',
    ]);
    // Sites east (a1) and west (a2) in the one table: a cell under each header, one grid class.
    const header = headers[0]!.closest('[role="row"]')!;
    for (const name of ['a1 web/alpha', 'a2 mail/charlie']) {
      const row = within(table).getByRole('row', { name });
      expect(within(row).getAllByRole('cell')).toHaveLength(headers.length);
      expect(row.classList.contains('health-row')).toBe(true);
    }
    expect(header.classList.contains('health-row')).toBe(true);
    expect(header.getAttribute('aria-rowindex')).toBe('1');
  });

  it('lists every server, down first, with the reason', async () => {
    setup();
    await waitFor(() => expect(rowNames()).toEqual(['a1 web/bravo', 'a1 web/alpha', 'a2 mail/charlie']));
    const bravo = screen.getByRole('row', { name: 'a1 web/bravo' });
    expect(bravo.textContent).toContain('HTTP 503 from /owa/healthcheck.htm');
    expect(bravo.textContent).toContain('in pool web');
    expect(bravo.textContent).toContain('used by www, intranet');
    expect(screen.getByRole('status').textContent).toContain('3 real servers, 1 down');
  });

  it('filters by site, state and name, and sorts', async () => {
    setup();
    await waitFor(() => expect(rowNames()).toHaveLength(3));
    fireEvent.change(screen.getByLabelText('Site'), { target: { value: 'west' } });
    await waitFor(() => expect(rowNames()).toEqual(['a2 mail/charlie']));
    fireEvent.change(screen.getByLabelText('Site'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'up' } });
    await waitFor(() => expect(rowNames()).toEqual(['a1 web/alpha', 'a2 mail/charlie']));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'char' } });
    await waitFor(() => expect(rowNames()).toEqual(['a2 mail/charlie']));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'nothing-like-it' } });
    expect(await screen.findByText('No real server matches these filters.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'all' } });
    fireEvent.change(screen.getByLabelText('Sort by'), { target: { value: 'name' } });
    await waitFor(() => expect(rowNames()).toEqual(['a1 web/alpha', 'a1 web/bravo', 'a2 mail/charlie']));
  });

  it('changes a row when a health event is pushed, and ignores a stale one', async () => {
    const { test } = setup();
    await screen.findByRole('row', { name: 'a2 mail/charlie' });
    act(() =>
      test.emit({
        type: 'health',
        changes: [
          {
            agentId: 'a2',
            server: {
              key: 'mail/charlie',
              pool: 'mail',
              server: 'charlie',
              state: 'down',
              since: at(10),
              reason: 'connect ETIMEDOUT',
            },
          },
        ],
      }),
    );
    await waitFor(() =>
      expect(screen.getByRole('row', { name: 'a2 mail/charlie' }).textContent).toContain('connect ETIMEDOUT'),
    );
    act(() =>
      test.emit({
        type: 'health',
        changes: [
          {
            agentId: 'a2',
            server: {
              key: 'mail/charlie',
              pool: 'mail',
              server: 'charlie',
              state: 'up',
              since: at(5),
            },
          },
        ],
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByRole('row', { name: 'a2 mail/charlie' }).textContent).toMatch(/^down/);
  });

  it('drains pool/server with the revision it shows, and reflects the answer', async () => {
    const { test } = setup({ setRealServerEnabled: ok({ revision: 2 }) });
    const row = await screen.findByRole('row', { name: 'a1 web/alpha' });
    fireEvent.click(within(row).getByRole('button', { name: 'Drain web/alpha on a1' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Enable web/alpha on a1' })).toBeTruthy());
    expect(screen.getByRole('row', { name: 'a1 web/alpha' }).textContent).toContain('drained');
    expect(test.calls.find((c) => c.channel === 'setRealServerEnabled')?.params).toEqual({
      agentId: 'a1',
      pool: 'web',
      server: 'alpha',
      enabled: false,
      expectRevision: 1,
    });
  });

  it('keeps a refused drain on the row', async () => {
    setup({
      setRealServerEnabled: fail('CONFLICT', 'Another console changed the configuration (revision 3).'),
    });
    const row = await screen.findByRole('row', { name: 'a1 web/alpha' });
    fireEvent.click(within(row).getByRole('button', { name: 'Drain web/alpha on a1' }));
    expect((await within(row).findByRole('alert')).textContent).toContain('revision 3');
  });

  it('draws the last hour and appends pushed state changes', async () => {
    const history: HealthHistory = {
      agentId: 'a1',
      key: 'web/alpha',
      baseline: { at: new Date(Date.now() - 2 * 3_600_000).toISOString(), state: 'up' },
      samples: [],
    };
    const { test } = setup({
      healthHistory: (params) => (params.key === 'web/alpha' ? ok(history) : fail('NOT_FOUND', 'no history')),
    });
    expect(await screen.findByRole('img', { name: 'last hour: never down' })).toBeTruthy();
    act(() =>
      test.emit({
        type: 'health',
        changes: [
          {
            agentId: 'a1',
            server: {
              key: 'web/alpha',
              pool: 'web',
              server: 'alpha',
              state: 'down',
              since: new Date().toISOString(),
            },
          },
        ],
      }),
    );
    expect(await screen.findByRole('img', { name: 'last hour: down 1 time' })).toBeTruthy();
  });

  it('takes the dense rows option: smaller fixed rows, so more of them in view', async () => {
    function WithDensity() {
      const { compact, toggle } = useDensity();
      return (
        <>
          <DensityToggle compact={compact} onToggle={toggle} />
          <HealthScreen />
        </>
      );
    }
    const test = createTestApi({ healthSnapshot: ok(largeFleet()), healthHistory: () => pending() });
    renderWithApi(<WithDensity />, test);
    const slots = () => [...document.querySelectorAll<HTMLElement>('.health-slot')];
    await waitFor(() => expect(slots().length).toBeGreaterThan(0));
    expect(new Set(slots().map((s) => s.style.height))).toEqual(new Set([`${ROW_HEIGHT}px`]));
    const comfortable = slots().length;
    const toggle = screen.getByRole('button', { name: 'Dense rows' });
    fireEvent.click(toggle);
    try {
      await waitFor(() =>
        expect(new Set(slots().map((s) => s.style.height))).toEqual(new Set([`${COMPACT_ROW_HEIGHT}px`])),
      );
      // Placed one under the other at the new height, and more of them fill the viewport.
      expect(slots()[1]!.style.transform).toBe(`translateY(${COMPACT_ROW_HEIGHT}px)`);
      expect(slots().length).toBeGreaterThan(comfortable);
    } finally {
      fireEvent.click(toggle);
    }
  });

  it('renders only the rows in view for 50,000 servers', async () => {
    setup({ healthSnapshot: ok(largeFleet()), healthHistory: () => pending() });
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('50000 real servers'));
    await waitFor(() => expect(rowNames().length).toBeGreaterThan(0));
    expect(rowNames().length).toBeLessThan(40);
    // The header row counts: 50,000 servers and the header.
    expect(screen.getByRole('table').getAttribute('aria-rowcount')).toBe('50001');
  });
});
