/**
 * The agent advertises `_portico._tcp` over mDNS/DNS-SD on the interfaces it is told to use. The
 * TXT record carries id, name, site, version and fingerprint, so a Console can list agents
 * before it connects to them. Only the fingerprint lets it check whom it reached.
 *
 * Two things bonjour-service does are corrected here:
 *  - It puts every non-loopback address of the host in the A/AAAA records, on every interface.
 *    That would tell the management network the appliance's other addresses. The records carry
 *    only the address of the interface they are sent on.
 *  - It probes for the name (RFC 6762 §8). It takes any answer for that name as a conflict, even
 *    one from our own advertiser on another interface. The Linux kernel delivers a multicast
 *    packet to every socket on the port (IP_MULTICAST_ALL), and a looped-back copy of what one
 *    advertiser sends reaches the others. So with several interfaces, loopback is turned off for
 *    the non-loopback ones, and the loopback interface, whose traffic always comes back, starts
 *    last. A Console on the same host then finds the agent over the loopback interface only.
 */
import { hostname } from 'node:os';
import type { Service } from 'bonjour-service';
import { resolveInterfaces, type MdnsInterface } from '../../shared/mdns/interfaces.ts';
import { openMdns, type MdnsHandle } from '../../shared/mdns/socket.ts';
import { encodeAgentTxt, SERVICE_TYPE, type AgentTxtInput } from '../../shared/protocol/discovery.ts';

export interface AdvertiseOptions {
  /** DNS-SD instance name. It must be unique on the link: the agent's name, or its id. */
  name: string;
  /** Port of the management API. */
  port: number;
  txt: AgentTxtInput;
  /**
   * IPv4 addresses or interface names to advertise on, e.g. ['127.0.0.1'] or ['eth1'].
   * Left out: bonjour-service's defaults (every interface for listening, the default one for
   * sending, and all of the host's addresses in the records).
   */
  interfaces?: readonly string[] | undefined;
  /** SRV target host name; defaults to `<this host's name>.local`. */
  host?: string | undefined;
  /** How long to wait for probing and the first announcement per interface (default 5 s). */
  startTimeoutMs?: number | undefined;
  /** Trouble after the advertisement started, e.g. a failed send. Not fatal: it keeps answering. */
  onProblem?: ((error: Error, iface: string) => void) | undefined;
}

export interface Advertisement {
  /** Sends goodbye packets (TTL 0), so browsers drop the agent at once, then closes the sockets. */
  stop(): Promise<void>;
}

export async function startAdvertising(opts: AdvertiseOptions): Promise<Advertisement> {
  const txt = encodeAgentTxt(opts.txt);
  const host = opts.host ?? `${hostname().split('.')[0]}.local`;
  const interfaces = opts.interfaces === undefined ? undefined : resolveInterfaces(opts.interfaces);
  if (interfaces?.length === 0) throw new Error('mDNS: no interface to advertise on');
  const several = (interfaces?.length ?? 0) > 1;
  const started: Publication[] = [];
  const start = (iface: MdnsInterface | undefined) =>
    publish(iface, { ...opts, txt: { ...txt }, host, noLoopback: several && !iface?.loopback }).then((p) => {
      started.push(p);
    });
  try {
    if (!interfaces) await start(undefined);
    else {
      const results = await Promise.allSettled(interfaces.filter((i) => !i.loopback).map(start));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      for (const iface of interfaces.filter((i) => i.loopback)) await start(iface);
    }
  } catch (error) {
    await Promise.all(started.map((p) => p.stop()));
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return { stop: () => (stopped ??= Promise.all(started.map((p) => p.stop())).then(() => undefined)) };
}

interface Publication {
  stop(): Promise<void>;
}

interface PublishOptions extends Omit<AdvertiseOptions, 'txt'> {
  txt: Record<string, string>;
  host: string;
  noLoopback: boolean;
}

async function publish(iface: MdnsInterface | undefined, opts: PublishOptions): Promise<Publication> {
  const where = iface ? `${iface.name} (${iface.address})` : 'the default interface';
  let starting = true;
  let startProblem: Error | undefined;
  const handle = openMdns(iface, {
    noLoopback: opts.noLoopback,
    onProblem: (error) => {
      // While starting, a system call that failed (joining the group, choosing the multicast
      // interface, sending) means nothing will be heard, so it fails the start. A garbled packet
      // from someone else on the network does not.
      if (starting && (error as NodeJS.ErrnoException).syscall) startProblem ??= error;
      else opts.onProblem?.(error, where);
    },
  });
  try {
    await handle.ready;
  } catch (error) {
    await handle.destroy();
    throw new Error(`mDNS on ${where}: cannot open port 5353: ${(error as Error).message}`, { cause: error });
  }
  // probe: true also delays the first announcement until after probing. That gives us time to
  // adjust the service before anything is sent.
  const service = handle.bonjour.publish({
    name: opts.name,
    type: SERVICE_TYPE,
    protocol: 'tcp',
    port: opts.port,
    host: opts.host,
    txt: opts.txt,
    probe: true,
  });
  const conflict = quietOnConflict(service);
  if (iface) restrictAddresses(service, iface.address);
  try {
    await announced(service, opts.startTimeoutMs ?? 5_000, () =>
      conflict()
        ? new Error(`the name "${service.name}" is already in use on this network`)
        : startProblem && new Error(`cannot advertise: ${startProblem.message}`),
    );
  } catch (error) {
    await handle.destroy();
    throw new Error(`mDNS on ${where}: ${(error as Error).message}`, { cause: error });
  }
  starting = false;
  return { stop: () => unpublish(service, handle) };
}

/** A and AAAA records for the interface's own address only (see the top of this file). */
function restrictAddresses(service: Service, address: string): void {
  const all = service.records.bind(service);
  service.records = () => [
    ...all().filter((r) => r.type !== 'A' && r.type !== 'AAAA'),
    { name: service.host, type: 'A', ttl: 120, data: address },
  ];
}

/**
 * When probing finds the name taken, bonjour-service logs to the console and calls
 * `service.stop()`. That stop sends goodbye packets for the name, on behalf of the agent that
 * really owns it, and every browser would then drop that agent. Until our first announcement,
 * stop therefore only records the conflict and sends nothing.
 */
function quietOnConflict(service: Service): () => boolean {
  let conflict = false;
  const stop = service.stop;
  service.stop = (callback?: () => void) => {
    if (service.published) return stop(callback);
    conflict = true;
    service.activated = false;
    if (callback) process.nextTick(callback);
  };
  return () => conflict;
}

/** Resolves on the first announcement; rejects on `problem()` or when nothing was sent in time. */
function announced(service: Service, timeoutMs: number, problem: () => Error | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const timer = setInterval(() => {
      const error = problem();
      if (error) finish(error);
      else if (Date.now() > deadline) finish(new Error(`no announcement within ${timeoutMs} ms`));
    }, 50);
    const onUp = () => finish(undefined);
    service.once('up', onUp);
    function finish(error: Error | undefined) {
      clearInterval(timer);
      service.off('up', onUp);
      if (error) reject(error);
      else resolve();
    }
  });
}

async function unpublish(service: Service, handle: MdnsHandle): Promise<void> {
  await new Promise<void>((resolve) => {
    // bonjour-service calls back once the goodbye is sent, or at once if nothing was published.
    const timer = setTimeout(resolve, 2_000);
    service.stop?.(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  await handle.destroy();
}
