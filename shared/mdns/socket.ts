/**
 * The mDNS socket both programs use: the agent's advertiser (agent/discovery/advertise.ts) and
 * the Console's browser (src-main/fleet/mdns-browser.ts). Node only.
 *
 * One bonjour-service instance per interface. multicast-dns, underneath, sends on a single
 * multicast interface per socket. That is the only way to keep the advertisement off the
 * interfaces we were not told to use.
 */
import type { EventEmitter } from 'node:events';
import { Bonjour } from 'bonjour-service';
import type { MdnsInterface } from './interfaces.ts';

const MDNS_GROUP = '224.0.0.251';

export interface MdnsSocketOptions {
  /** Turn off multicast loopback (see agent/discovery/advertise.ts for when and why). */
  noLoopback?: boolean;
  /** Socket and protocol trouble after start: failed sends, undecodable packets, lost membership. */
  onProblem: (error: Error) => void;
}

export interface MdnsHandle {
  bonjour: Bonjour;
  /** multicast-dns's emitter: 'error' and 'warning' come from it. */
  mdns: EventEmitter;
  /** Resolves when the socket is bound; rejects with the reason it could not be. */
  ready: Promise<void>;
  destroy(): Promise<void>;
}

/** What multicast-dns takes (bonjour-service passes its first argument on, but types it as a service). */
interface MulticastDnsOptions {
  interface?: string;
  bind?: string;
  loopback?: boolean;
}
type BonjourOptions = ConstructorParameters<typeof Bonjour>[0];

export function openMdns(iface: MdnsInterface | undefined, opts: MdnsSocketOptions): MdnsHandle {
  const socketOptions: MulticastDnsOptions = iface
    ? {
        // Join the group and send on this interface only.
        interface: iface.address,
        // Not the interface address: on Linux a socket bound to a unicast address never receives
        // multicast. multicast-dns binds there when only `interface` is given, and hears nothing.
        // The group address takes only mDNS traffic. Windows cannot bind to a group address, so
        // there the socket takes the wildcard.
        bind: process.platform === 'win32' ? '0.0.0.0' : MDNS_GROUP,
        ...(opts.noLoopback ? { loopback: false } : {}),
      }
    : {};
  // Without this callback, bonjour-service throws answer-send errors from inside a socket
  // callback, and that would take the whole agent down.
  const bonjour = new Bonjour(socketOptions as BonjourOptions, (error: Error) => opts.onProblem(error));
  const mdns = mdnsOf(bonjour);
  const ready = new Promise<void>((resolve, reject) => {
    mdns.once('ready', resolve);
    mdns.once('error', reject);
  });
  // An 'error' without a listener would be thrown. Bind failures reject `ready`, later ones are reported.
  mdns.on('error', (error: Error) => opts.onProblem(error));
  mdns.on('warning', (error: Error) => opts.onProblem(error));
  ready.catch(() => undefined);
  let destroyed: Promise<void> | undefined;
  return {
    bonjour,
    mdns,
    ready,
    destroy: () => (destroyed ??= new Promise<void>((resolve) => bonjour.destroy(() => resolve()))),
  };
}

/**
 * bonjour-service keeps the multicast-dns instance private, but its 'error' events must have a
 * listener (see above). Fail loudly if a new version moves it.
 */
function mdnsOf(bonjour: Bonjour): EventEmitter {
  const mdns = (bonjour as unknown as { server?: { mdns?: EventEmitter } }).server?.mdns;
  if (!mdns || typeof mdns.on !== 'function') {
    throw new Error('bonjour-service internals changed: cannot reach its multicast-dns instance');
  }
  return mdns;
}
