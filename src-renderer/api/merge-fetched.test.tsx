import { act, cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConnectionState, FleetView } from '../../shared/ipc/fleet.ts';
import type { Reply } from '../../shared/ipc/errors.ts';
import { FleetScreen } from '../features/fleet/fleet-screen.tsx';
import { agent, at, fleet, health, healthAgent, server } from '../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../test/support/renderer/render.tsx';
import { createTestApi, ok } from '../../test/support/renderer/test-api.ts';
import { mergeFetchedFleet, mergeFetchedHealth } from './merge-fetched.ts';

afterEach(cleanup);

const connecting = (since: string): AgentConnectionState => ({ kind: 'connecting', since });
const online = (since: string): AgentConnectionState => ({ kind: 'online', since });

describe('mergeFetchedFleet', () => {
  it('keeps a state an event brought that is newer than the fetched one', () => {
    const held = fleet(agent('a1', 'east', online(at(2))), agent('a2', 'east', online(at(1))));
    const fetched = fleet(agent('a1', 'east', connecting(at(1))), agent('a2', 'west', connecting(at(3))));
    const merged = mergeFetchedFleet(held, fetched);
    expect(merged.sites.flatMap((s) => s.agents.map((a) => [a.id, a.site, a.state.kind]))).toEqual([
      ['a1', 'east', 'online'],
      ['a2', 'west', 'connecting'],
    ]);
  });

  it('passes the fetch through when nothing is held, and leaves agents it does not hold alone', () => {
    const fetched = fleet(agent('a1', 'east'));
    expect(mergeFetchedFleet(undefined, fetched)).toBe(fetched);
    const merged = mergeFetchedFleet(fleet(agent('a9', 'x')), fetched);
    expect(merged.sites[0]!.agents[0]).toBe(fetched.sites[0]!.agents[0]);
  });
});

describe('mergeFetchedHealth', () => {
  it('keeps a server health newer than the fetched one, per server', () => {
    const a = agent('a1', 'east');
    const held = health(
      healthAgent(a, {
        web: [server('web', 'rs1', 'down', at(5), 'refused'), server('web', 'rs2', 'up', at(1))],
      }),
    );
    // A later snapshot (its own `at`) that was assembled before rs1's event reached it.
    const fetched = {
      ...health(
        healthAgent(a, {
          web: [server('web', 'rs1', 'up', at(1)), server('web', 'rs2', 'down', at(6), 'timeout')],
        }),
      ),
      at: at(7),
    };
    const servers = mergeFetchedHealth(held, fetched).sites[0]!.agents[0]!.pools[0]!.servers;
    expect(servers.map((s) => [s.name, s.health?.state])).toEqual([
      ['rs1', 'down'],
      ['rs2', 'down'],
    ]);
  });

  it('returns an agent the write did not replace as the same object', () => {
    const view = health(healthAgent(agent('a1', 'east'), { web: [server('web', 'rs1', 'up')] }));
    const next = { ...view, at: at(9), sites: view.sites.map((g) => ({ ...g })) };
    expect(mergeFetchedHealth(view, next).sites[0]!.agents[0]).toBe(view.sites[0]!.agents[0]);
  });
});

describe('an answer overtaken by an event', () => {
  it('does not put an agent back to "connecting" once the event said online', async () => {
    let answer!: (reply: Reply<FleetView>) => void;
    const test = createTestApi({
      listAgents: ok(fleet(agent('a1', 'east', connecting(at(1))))),
      listDiscovered: ok([]),
      healthSnapshot: ok(health()),
    });
    const { client } = renderWithApi(<FleetScreen />, test);
    await screen.findByText('connecting');
    // A refetch starts; its answer was computed before the agent came online...
    test.handle('listAgents', () => new Promise((resolve) => (answer = resolve)));
    act(() => void client.invalidateQueries());
    await waitFor(() => expect(answer).toBeTypeOf('function'));
    // ...the event arrives first...
    act(() => test.emit({ type: 'agent', agent: agent('a1', 'east', online(at(2))) }));
    await screen.findByText('online');
    // ...then the stale answer.
    await act(async () => answer(ok(fleet(agent('a1', 'east', connecting(at(1)))))));
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.getByText('online')).toBeTruthy();
    expect(screen.queryByText('connecting')).toBeNull();
  });
});
