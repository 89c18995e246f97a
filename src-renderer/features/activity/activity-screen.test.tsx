import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActivityView } from '../../../shared/ipc/activity.ts';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { ActivityScreen } from './activity-screen.tsx';

afterEach(cleanup);

const LB1 = { ...agent('a1', 'east'), name: 'lb1' };
const LB2 = { ...agent('a2', 'west'), name: 'lb2' };
const who = { tokenId: '3fa2c1', peer: '::ffff:10.0.0.5' };

const VIEW: ActivityView = {
  entries: [
    {
      seq: 4,
      time: '2026-12-07T10:04:00Z',
      action: 'pool.upsert',
      actor: who,
      ok: false,
      error: 'expected revision 2 but the agent is at revision 3',
      agentId: 'a1',
      agentName: 'lb1',
      site: 'east',
    },
    {
      seq: 3,
      time: '2026-12-07T10:03:00Z',
      action: 'realServer.drain',
      actor: who,
      ok: true,
      revision: 3,
      agentId: 'a1',
      agentName: 'lb1',
      site: 'east',
    },
    {
      seq: 1,
      time: '2026-12-07T10:02:00Z',
      action: 'cert.remove',
      actor: who,
      ok: true,
      detail: { name: 'www' },
      agentId: 'a2',
      agentName: 'lb2',
      site: 'west',
    },
    {
      seq: 0,
      time: '2026-12-07T10:01:00Z',
      action: 'config.reload',
      actor: { tokenId: 'config-file', peer: 'local' },
      ok: true,
      revision: 1,
      agentId: 'a1',
      agentName: 'lb1',
      site: 'east',
    },
  ],
  unreachable: [{ agentId: 'a3', agentName: 'lb3', reason: 'the agent is offline' }],
};

const server = (name: string, enabled: boolean) => ({
  name,
  address: '10.0.0.1',
  port: 443,
  weight: 1,
  enabled,
  maxConnections: 0,
});
const poolWith = (enabled: boolean) => ({ name: 'app', servers: [server('a', true), server('b', enabled)] });

function setup(handlers: Handlers = {}, agentId?: string) {
  const test = createTestApi({
    listAgents: ok(fleet(LB1, LB2)),
    listActivity: ok(VIEW),
    revisionChanges: ok({
      agentId: 'a1',
      revision: 3,
      previousMissing: false,
      changes: [
        {
          op: 'replace',
          kind: 'pool',
          name: 'app',
          before: poolWith(true),
          after: poolWith(false),
          fields: ['servers["b"].enabled'],
        },
      ],
    } as never),
    ...handlers,
  });
  const onAgent = vi.fn();
  return { test, onAgent, ...renderWithApi(<ActivityScreen agentId={agentId} onAgent={onAgent} />, test) };
}

describe('ActivityScreen', () => {
  it('lists who changed what, when and where, newest first, refusals with their reason', async () => {
    setup();
    const table = await screen.findByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['When', 'Agent', 'Who', 'What', 'Revision', 'Details']);
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.getAttribute('aria-label'));
    expect(rows).toEqual([
      'Saved a pool on lb1',
      'Drained a real server on lb1',
      'Deleted a certificate: www on lb2',
      'Reloaded config.json (edited on the agent) on lb1',
    ]);
    const refused = screen.getByRole('row', { name: 'Saved a pool on lb1' });
    expect(refused.textContent).toContain('Refused: expected revision 2 but the agent is at revision 3');
    expect(refused.textContent).toContain('token 3fa2c1 from 10.0.0.5');
    expect(screen.getByRole('row', { name: /^Reloaded/ }).textContent).toContain('config.json on the agent');
    expect(screen.getByText(/lb3 could not be asked \(the agent is offline\)/)).toBeTruthy();
  });

  it('asks for one agent’s activity when filtered, and says the choice upward (the URL keeps it)', async () => {
    const { test, onAgent } = setup({}, 'a1');
    await screen.findByRole('table');
    expect(test.calls.find((c) => c.channel === 'listActivity')?.params).toEqual({ agentId: 'a1' });
    fireEvent.change(screen.getByRole('combobox', { name: 'Agent' }), { target: { value: '' } });
    expect(onAgent).toHaveBeenCalledWith(undefined);
  });

  it('opens a change to its diff and rolls back to it after a confirmation naming the agent', async () => {
    const { test } = setup({
      getAgentConfig: ok({
        agentId: 'a1',
        revision: 5,
        config: { version: 2, pools: [], virtualServices: [] },
      } as never),
      rollbackRevision: ok({ revision: 6 }),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Show revision 3 on lb1' }));
    const diff = await screen.findByRole('list', { name: 'Changes of revision 3' });
    expect(diff.textContent).toContain('servers["b"].enabled');
    expect(diff.textContent).toMatch(/true → false|enabled → drained/);

    fireEvent.click(screen.getByRole('button', { name: 'Roll back to revision 3' }));
    const ask = screen.getByRole('group', { name: 'Roll back lb1 to revision 3?' });
    await waitFor(() =>
      expect(ask.textContent).toContain('runs again as revision 6; revision 5 stays in the history'),
    );
    expect(test.calls.some((c) => c.channel === 'rollbackRevision')).toBe(false);
    fireEvent.click(within(ask).getByRole('button', { name: 'Yes, roll back lb1' }));
    expect((await screen.findByText(/Rolled back: revision 6/)).textContent).toBe(
      'Rolled back: revision 6 now runs the configuration of revision 3.',
    );
    expect(test.calls.find((c) => c.channel === 'rollbackRevision')?.params).toEqual({
      agentId: 'a1',
      revision: 3,
      expectRevision: 5,
    });
    // The list is read again: the rollback is itself an entry.
    await waitFor(() => expect(test.calls.filter((c) => c.channel === 'listActivity').length).toBe(2));
  });

  it('keeps a refused rollback on screen with the reason', async () => {
    setup({
      getAgentConfig: ok({
        agentId: 'a1',
        revision: 5,
        config: { version: 2, pools: [], virtualServices: [] },
      } as never),
      rollbackRevision: fail(
        'CONFLICT',
        'expected revision 5 but the agent is at revision 6; reload and try again',
      ),
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Show revision 3 on lb1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to revision 3' }));
    const yes = await screen.findByRole('button', { name: 'Yes, roll back lb1' });
    await waitFor(() => expect((yes as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(yes);
    expect((await screen.findByRole('alert')).textContent).toContain('Not rolled back');
  });
});
