/**
 * Which paired agents are in which HA pair, kept current: each agent's `ha.status` is read when
 * it comes online and again on each of its `ha` events (a VRRP transition, joining or leaving a
 * pair), so listing the pairs asks nothing of agents that are in none. The `ha` topic is
 * subscribed here, on top of what the fleet manager subscribes (a subscription adds topics), so
 * the fleet manager stays unaware of pairs.
 *
 * `onChange(agentId)` is called after an agent's status was read again: the Console's pairs view
 * is out of date.
 */
import type { HaStatus } from '../../shared/protocol/ha.ts';
import type { AgentClient } from './agent-client.ts';
import type { FleetManager } from './fleet-manager.ts';

export class HaWatch {
  private readonly fleet: FleetManager;
  private readonly onChange: (agentId: string) => void;
  private readonly onProblem: (agentId: string, message: string) => void;
  /** The last status read from each online agent (a read in flight is the promise). */
  private readonly statuses = new Map<string, Promise<HaStatus | undefined>>();
  /** The listeners on each agent's client, taken off when the agent goes. */
  private readonly attached = new Map<string, { client: AgentClient; off: () => void }>();
  private readonly unfollow: () => void;

  constructor(
    fleet: FleetManager,
    onChange: (agentId: string) => void,
    onProblem: (agentId: string, message: string) => void = () => {},
  ) {
    this.fleet = fleet;
    this.onChange = onChange;
    this.onProblem = onProblem;
    this.attachAll();
    this.unfollow = fleet.onChange((change) => {
      // 'agents': paired or removed. A client the fleet starts later (FleetManager.start runs
      // after the core is made) first shows as a state change of an agent not attached yet.
      if (change.kind === 'agents' || (change.kind === 'state' && !this.attached.has(change.agentId)))
        this.attachAll();
    });
  }

  /** This agent's part in a pair; undefined while it cannot be read (offline). */
  status(agentId: string): Promise<HaStatus | undefined> {
    return this.statuses.get(agentId) ?? this.read(agentId);
  }

  /** Reads the agent's status again now (after the Console changed its pair) and says so. */
  async refresh(agentId: string): Promise<void> {
    await this.read(agentId);
    this.onChange(agentId);
  }

  close(): void {
    this.unfollow();
    for (const { off } of this.attached.values()) off();
    this.attached.clear();
    this.statuses.clear();
  }

  private read(agentId: string): Promise<HaStatus | undefined> {
    const client = this.fleet.client(agentId);
    const reading =
      client && client.state.kind === 'online'
        ? client.request('ha.status').catch((err: unknown) => {
            this.onProblem(agentId, `ha.status failed: ${(err as Error).message}`);
            // Not kept: the next question asks again.
            if (this.statuses.get(agentId) === reading) this.statuses.delete(agentId);
            return undefined;
          })
        : Promise.resolve(undefined);
    if (client?.state.kind === 'online') this.statuses.set(agentId, reading);
    return reading;
  }

  private attachAll(): void {
    const ids = new Set(this.fleet.agents().flatMap((g) => g.agents.map((a) => a.id)));
    for (const [agentId, held] of this.attached) {
      if (ids.has(agentId) && this.fleet.client(agentId) === held.client) continue;
      held.off();
      this.attached.delete(agentId);
      this.statuses.delete(agentId);
    }
    for (const agentId of ids) {
      const client = this.fleet.client(agentId);
      if (!client || this.attached.has(agentId)) continue;
      const offEvent = client.onEvent((event) => {
        if (event.topic === 'ha') void this.refresh(agentId);
      });
      const offState = client.onState((state) => {
        if (state.kind === 'online') void this.follow(agentId, client);
        else this.statuses.delete(agentId);
      });
      this.attached.set(agentId, {
        client,
        off: () => {
          offEvent();
          offState();
        },
      });
      if (client.state.kind === 'online') void this.follow(agentId, client);
    }
  }

  /** On each connection: subscribe to `ha`, then read the status (no transition falls between). */
  private async follow(agentId: string, client: AgentClient): Promise<void> {
    try {
      await client.request('events.subscribe', { topics: ['ha'] });
    } catch (err) {
      this.onProblem(agentId, `events.subscribe ha failed: ${(err as Error).message}`);
    }
    await this.refresh(agentId);
  }
}
