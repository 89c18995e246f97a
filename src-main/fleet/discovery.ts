/**
 * Agents heard on the network, for the pairing dialog. The mDNS work is mdns-browser.ts's
 * browse(); this only keeps the current list (keyed by agent id, as browse reports it) and says
 * which entries are already paired. What mDNS says is a hint: pairing checks the fingerprint.
 */
import {
  browse as mdnsBrowse,
  type BrowseOptions,
  type Browsing,
  type DiscoveredAgent,
} from './mdns-browser.ts';

export interface DiscoveredEntry {
  agent: DiscoveredAgent;
  /** Paired already (same agent id). */
  paired: boolean;
  /** Paired, but the advertised fingerprint is not the pinned one. */
  fingerprintDiffers: boolean;
}

export interface DiscoveryOptions extends BrowseOptions {
  /** Pinned fingerprint by agent id, read each time the list is asked for. */
  pinned: (agentId: string) => string | undefined;
  onChange?: () => void;
  /** mdns-browser.ts's browse; replaceable in tests. */
  browse?: typeof mdnsBrowse;
}

export interface Discovery {
  list(): DiscoveredEntry[];
  stop(): Promise<void>;
}

export function startDiscovery(opts: DiscoveryOptions): Discovery {
  const seen = new Map<string, DiscoveredAgent>();
  const browsing: Browsing = (opts.browse ?? mdnsBrowse)(
    opts,
    (agent) => {
      seen.set(agent.txt.id, agent);
      opts.onChange?.();
    },
    (agent) => {
      if (seen.delete(agent.txt.id)) opts.onChange?.();
    },
  );
  return {
    list: () =>
      [...seen.values()]
        .sort((a, b) => a.txt.name.localeCompare(b.txt.name))
        .map((agent) => {
          const pin = opts.pinned(agent.txt.id);
          return {
            agent,
            paired: pin !== undefined,
            fingerprintDiffers: pin !== undefined && pin !== agent.txt.fingerprint,
          };
        }),
    stop: () => browsing.stop(),
  };
}
