/** FleetManager's shapes → the IPC view types. They were written to match, so this only picks fields. */
import type { AgentView, DiscoveredAgent } from '../../shared/ipc/fleet.ts';
import type { AgentSummary, DiscoveredEntry } from '../fleet/index.ts';

/** Picks the view's fields, so nothing the store adds later leaks to the renderer by accident. */
export function agentView(agent: AgentSummary): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    site: agent.site,
    address: agent.address,
    port: agent.port,
    fingerprint: agent.fingerprint,
    pairedAt: agent.pairedAt,
    pinnedAt: agent.pinnedAt,
    state: agent.state,
    ...(agent.version === undefined ? {} : { version: agent.version }),
    ...(agent.engine === undefined ? {} : { engine: { ...agent.engine } }),
  };
}

export function discoveredView(entry: DiscoveredEntry): DiscoveredAgent {
  const { agent } = entry;
  return {
    id: agent.txt.id,
    name: agent.txt.name,
    site: agent.txt.site,
    version: agent.txt.version,
    ...(agent.txt.fingerprint === undefined ? {} : { fingerprint: agent.txt.fingerprint }),
    host: agent.host,
    port: agent.port,
    addresses: agent.addresses,
    paired: entry.paired,
    fingerprintDiffers: entry.fingerprintDiffers,
  };
}
