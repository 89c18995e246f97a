/**
 * The Console's mDNS browser: finds Portico agents on the network. It listens on the given
 * interfaces and reports each agent once, however many interfaces it is heard on. Records whose
 * TXT is not a valid Portico agent's are ignored: the network is untrusted, and the fingerprint,
 * checked on connect, is what counts.
 *
 * An agent that stops cleanly sends a goodbye and is reported down at once. One that dies is
 * not: bonjour-service does not refresh a record's age when it is heard again, so TTL expiry
 * would also drop live agents. The Console's own connection tells it when an agent is gone.
 *
 * Listening on an interface is not a strict filter. On Linux a socket on the mDNS port also gets
 * group traffic that arrives on other interfaces where this host has joined the group
 * (IP_MULTICAST_ALL). So a browser may hear more agents than the given links carry. That is
 * harmless: what a browser hears is only a hint.
 */
import type { Service } from 'bonjour-service';
import { deepEqual } from '../../shared/model/deep-equal.ts';
import { resolveInterfaces, type MdnsInterface } from '../../shared/mdns/interfaces.ts';
import { openMdns, type MdnsHandle } from '../../shared/mdns/socket.ts';
import { parseAgentTxt, SERVICE_TYPE, type AgentTxt } from '../../shared/protocol/discovery.ts';

export interface DiscoveredAgent {
  /** DNS-SD instance name. */
  name: string;
  /** SRV target host. */
  host: string;
  /** Addresses from the A/AAAA records; the sender's address if there were none. */
  addresses: string[];
  port: number;
  txt: AgentTxt;
}

export interface BrowseOptions {
  /** IPv4 addresses or interface names to listen on; default: bonjour-service's (all). */
  interfaces?: readonly string[] | undefined;
  /** Ask again this often, in case an answer was lost (default 30 s). */
  requeryMs?: number | undefined;
  onProblem?: ((error: Error) => void) | undefined;
}

export interface Browsing {
  stop(): Promise<void>;
}

/**
 * Calls `onUp` when an agent appears. It calls it again with the new details when the agent's
 * records change, so treat it as "insert or update", keyed by `txt.id`. It calls `onDown` when
 * the agent says goodbye on every interface it was seen on.
 */
export function browse(
  opts: BrowseOptions,
  onUp: (agent: DiscoveredAgent) => void,
  onDown: (agent: DiscoveredAgent) => void,
): Browsing {
  const interfaces: (MdnsInterface | undefined)[] =
    opts.interfaces === undefined ? [undefined] : resolveInterfaces(opts.interfaces);
  // Instance name (fqdn) → the agent as last reported, and which listeners currently see it.
  const known = new Map<string, { agent: DiscoveredAgent; seenBy: Set<number> }>();

  const up = (index: number, service: Service) => {
    const agent = toAgent(service);
    const entry = known.get(service.fqdn);
    if (!agent) {
      // The TXT changed into something that is not an agent's: treat it as gone.
      if (entry) down(index, service);
      return;
    }
    if (!entry) {
      known.set(service.fqdn, { agent, seenBy: new Set([index]) });
      onUp(agent);
      return;
    }
    entry.seenBy.add(index);
    if (!deepEqual(entry.agent, agent)) {
      entry.agent = agent;
      onUp(agent);
    }
  };
  const down = (index: number, service: Service) => {
    const entry = known.get(service.fqdn);
    if (!entry) return;
    entry.seenBy.delete(index);
    if (entry.seenBy.size > 0) return;
    known.delete(service.fqdn);
    onDown(entry.agent);
  };

  const listeners: { handle: MdnsHandle; stop(): void }[] = interfaces.map((iface, index) => {
    const handle = openMdns(iface, { onProblem: (error) => opts.onProblem?.(error) });
    const browser = handle.bonjour.find({ type: SERVICE_TYPE, protocol: 'tcp' });
    browser.on('up', (s) => up(index, s));
    browser.on('txt-update', (s) => up(index, s));
    browser.on('srv-update', (s) => up(index, s));
    browser.on('down', (s) => down(index, s));
    const requery = setInterval(() => browser.update(), opts.requeryMs ?? 30_000);
    requery.unref();
    return {
      handle,
      stop: () => {
        clearInterval(requery);
        browser.stop();
      },
    };
  });

  let stopped: Promise<void> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        for (const l of listeners) l.stop();
        await Promise.all(listeners.map((l) => l.handle.destroy()));
      })()),
  };
}

function toAgent(service: Service): DiscoveredAgent | undefined {
  const txt = parseAgentTxt(service.txt);
  if (!txt) return undefined;
  const addresses = service.addresses?.length
    ? [...service.addresses]
    : service.referer
      ? [service.referer.address]
      : [];
  return { name: service.name, host: service.host, addresses, port: service.port, txt };
}
