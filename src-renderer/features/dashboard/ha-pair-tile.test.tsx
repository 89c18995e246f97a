import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PairView } from '../../../shared/ipc/ha.ts';
import { member, memberHa, pairView } from '../../../test/support/renderer/ha-fixtures.ts';
import { T0 } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok } from '../../../test/support/renderer/test-api.ts';
import { DashboardScreen } from './dashboard-screen.tsx';

afterEach(cleanup);

function setup(pairs: PairView[] | undefined) {
  const test = createTestApi({
    dashboard: ok({ at: T0, sites: [] }),
    listAlerts: ok({ alerts: [], unacknowledged: 0 }),
    listPairs: pairs ? ok({ pairs }) : fail('INTERNAL', 'broken (ref 1)'),
  });
  renderWithApi(<DashboardScreen onOpenHealth={() => {}} onOpenAgent={() => {}} />, test);
  return test;
}

const tile = (name = 'edge') => screen.findByRole('region', { name: `HA pair ${name}` });
const figure = (region: HTMLElement, term: string) =>
  within(region).getByText(term, { selector: 'dt' }).nextElementSibling!.textContent;

describe('HA pair tiles on the Dashboard', () => {
  it('says which member is master; a well pair is OK', async () => {
    setup([pairView()]);
    const pair = await tile();
    expect(figure(pair, 'Master')).toBe('lb1');
    expect(figure(pair, 'lb1')).toBe('master');
    expect(figure(pair, 'lb2')).toBe('backup');
    expect(figure(pair, 'Virtual IPs')).toBe('192.0.2.10/24');
    expect(pair.className).toContain('level-ok');
    expect(within(pair).queryByRole('list')).toBeNull();
  });

  it('is amber when a member is in fault, and says so', async () => {
    setup([
      pairView({
        members: [member('lb1'), member('lb2', { ha: memberHa('fault', { failoverUntil: T0 }) })],
      }),
    ]);
    const pair = await tile();
    expect(pair.className).toContain('level-warning');
    expect(within(pair).getByText('Warning')).toBeTruthy();
    expect(within(pair).getByRole('list', { name: 'Problems of pair edge' }).textContent).toContain(
      'lb2 is in fault (held out after a failover)',
    );
  });

  it('is amber when the members drift, not when only their revisions differ', async () => {
    const test = setup([pairView({ sync: { kind: 'same-config', revisions: { lb1: 3, lb2: 5 } } })]);
    const pair = await tile();
    expect(figure(pair, 'Configuration')).toBe('same');
    expect(pair.className).toContain('level-ok');
    test.handle(
      'listPairs',
      ok({ pairs: [pairView({ sync: { kind: 'drift', ahead: 'lb1', behind: 'lb2', differs: [] } })] }),
    );
    act(() => test.emit({ type: 'config', agentId: 'lb1', revision: 6 }));
    await waitFor(async () => expect((await tile()).className).toContain('level-warning'));
    expect(figure(await tile(), 'Configuration')).toBe('drift');
  });

  it('shows nothing of pairs when there are none or they cannot be listed', async () => {
    setup(undefined);
    await screen.findByText(/No agents paired yet/);
    expect(screen.queryByRole('region', { name: /^HA pair/ })).toBeNull();
  });
});
