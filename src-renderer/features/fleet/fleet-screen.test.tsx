import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConnectionState } from '../../../shared/ipc/fleet.ts';
import {
  agent,
  discovered,
  fleet,
  FP_A,
  FP_B,
  health,
  healthAgent,
  server,
  T0,
} from '../../../test/support/renderer/fixtures.ts';
import { renderFleetScreen } from '../../../test/support/renderer/fleet-screen.tsx';
import { fail, ok, pending } from '../../../test/support/renderer/test-api.ts';

afterEach(cleanup);

const TOKEN = 'abcdefghijklmnopqrstuvwxyz0123';

describe('FleetScreen', () => {
  it('shows loading while the agents are fetched', () => {
    renderFleetScreen({ listAgents: () => pending() });
    expect(screen.getByText('Loading agents…')).toBeTruthy();
  });

  it('shows a failed listing inline, with a retry that refetches', async () => {
    const { test } = renderFleetScreen({ listAgents: fail('INTERNAL', 'store unreadable (ref 42)') });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('store unreadable (ref 42)');
    test.handle('listAgents', ok(fleet(agent('a1', 'east'))));
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('row', { name: 'a1' })).toBeTruthy();
  });

  it('says so when no agent is paired and none is heard', async () => {
    renderFleetScreen();
    expect(await screen.findByText(/No agents paired yet/)).toBeTruthy();
    expect(await screen.findByText('No unpaired agents heard.')).toBeTruthy();
  });

  it('groups agents by site with versions, engine and counts', async () => {
    const a1 = {
      ...agent('a1', 'east'),
      engine: { kind: 'builtin', version: 'portico 1.2.3', pools: 2, virtualServices: 3, realServers: 3 },
    } as const;
    renderFleetScreen({
      listAgents: ok(fleet(a1, agent('a2', 'west'))),
      listDiscovered: ok([discovered('a1', { paired: true, version: '1.2.3' })]),
      healthSnapshot: ok(
        health(
          // Three services on two pools: a server of a shared pool counts once.
          healthAgent(
            a1,
            {
              web: [server('web', 'r1', 'up'), server('web', 'r2', 'down')],
              mail: [server('mail', 'r1', 'down')],
            },
            1,
            { www: ['web'], intranet: ['web'], smtp: ['mail'] },
          ),
        ),
      ),
    });
    const row = await screen.findByRole('row', { name: 'a1' });
    await waitFor(() => expect(within(row).getByText('1.2.3')).toBeTruthy());
    const cells = within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    // Version, engine (kind, then what runs the traffic), pools, services, servers, down.
    expect(cells.slice(1, 7)).toEqual(['1.2.3', 'builtinportico 1.2.3', '2', '3', '3', '2']);
    // An agent not reached yet: no engine, no counts.
    const a2 = within(screen.getByRole('row', { name: 'a2' }))
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(a2.slice(1, 7)).toEqual(['—', '—', '—', '—', '—', '—']);
    expect(screen.getByRole('region', { name: 'Site east' })).toBeTruthy();
    expect(
      within(screen.getByRole('region', { name: 'Site west' })).getByRole('row', { name: 'a2' }),
    ).toBeTruthy();
  });

  it('shows the version the agent reported, even when discovery does not hear it', async () => {
    renderFleetScreen({
      listAgents: ok(fleet({ ...agent('a1', 'east'), version: '2.0.1' })),
      listDiscovered: ok([]),
    });
    const row = await screen.findByRole('row', { name: 'a1' });
    await waitFor(() => expect(within(row).getByText('2.0.1')).toBeTruthy());
  });

  it.each<[string, AgentConnectionState, RegExp[]]>([
    ['online', { kind: 'online', since: T0 }, [/online/]],
    [
      'offline',
      { kind: 'offline', since: T0, reason: 'connect ECONNREFUSED', attempts: 3 },
      [/offline/, /since .* ago: connect ECONNREFUSED/],
    ],
    [
      'auth failed',
      { kind: 'auth-failed', since: T0, reason: 'token refused' },
      [/token refused/, /Pair again/],
    ],
    [
      'fingerprint mismatch',
      {
        kind: 'fingerprint-mismatch',
        since: T0,
        expected: FP_A,
        actual: FP_B,
        message: 'The agent presents another certificate.',
      },
      [/fingerprint mismatch/, /another certificate/, new RegExp(FP_A), new RegExp(FP_B)],
    ],
  ])('shows an %s agent', async (_name, state, texts) => {
    renderFleetScreen({ listAgents: ok(fleet(agent('a1', 'east', state))) });
    const row = await screen.findByRole('row', { name: 'a1' });
    for (const text of texts) expect(row.textContent).toMatch(text);
  });

  it('applies a pushed agent event to the row', async () => {
    const { test } = renderFleetScreen({ listAgents: ok(fleet(agent('a1', 'east'))) });
    await screen.findByRole('row', { name: 'a1' });
    act(() =>
      test.emit({
        type: 'agent',
        agent: agent('a1', 'east', {
          kind: 'offline',
          since: '2025-01-01T11:00:00Z',
          reason: 'timeout',
          attempts: 1,
        }),
      }),
    );
    // react-query notifies observers on its next tick, hence waitFor.
    await waitFor(() => expect(screen.getByRole('row', { name: 'a1' }).textContent).toMatch(/offline/));
  });
});

describe('Pairing', () => {
  async function openPair() {
    const ctx = renderFleetScreen({ listDiscovered: ok([discovered('lab-1')]) });
    fireEvent.click(await screen.findByRole('button', { name: 'Pair lab-1' }));
    return { ...ctx, form: screen.getByRole('form', { name: 'Pair lab-1' }) };
  }

  it('shows the advertised fingerprint and prefills the address', async () => {
    const { form } = await openPair();
    expect(form.textContent).toContain(FP_B);
    expect((within(form).getByLabelText('Address') as HTMLInputElement).value).toBe('192.0.2.10');
  });

  it('names the problem with a short token and sends nothing', async () => {
    const { form, test } = await openPair();
    fireEvent.change(within(form).getByLabelText('Token'), { target: { value: 'short' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Pair' }));
    expect(await within(form).findByText('a token has at least 22 characters')).toBeTruthy();
    expect(within(form).getByLabelText('Token').getAttribute('aria-invalid')).toBe('true');
    expect(test.calls.some((c) => c.channel === 'pairAgent')).toBe(false);
  });

  it('keeps the refusal inline in the form', async () => {
    const { form, test } = await openPair();
    test.handle('pairAgent', fail('AUTH_FAILED', 'The agent refused the token.'));
    fireEvent.change(within(form).getByLabelText('Token'), { target: { value: TOKEN } });
    fireEvent.click(within(form).getByRole('button', { name: 'Pair' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('The agent refused the token.');
    expect(alert.getAttribute('data-code')).toBe('AUTH_FAILED');
  });

  it('sends the advertised fingerprint and shows the pinned one', async () => {
    const { form, test } = await openPair();
    test.handle('pairAgent', () =>
      ok({
        agent: agent('lab-1', 'lab'),
        info: { version: '0.1.0' } as never,
        fingerprint: FP_B,
        refreshed: false,
      }),
    );
    fireEvent.change(within(form).getByLabelText('Token'), { target: { value: TOKEN } });
    fireEvent.click(within(form).getByRole('button', { name: 'Pair' }));
    const done = await screen.findByText(/Pinned fingerprint/);
    expect(done.textContent).toContain(FP_B);
    expect(test.calls.find((c) => c.channel === 'pairAgent')?.params).toEqual({
      address: '192.0.2.10',
      port: 7443,
      token: TOKEN,
      advertisedFingerprint: FP_B,
    });
  });
});
