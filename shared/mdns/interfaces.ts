/**
 * Where mDNS runs, for the agent's advertiser and the Console's browser alike. The agent's
 * `--mdns-interface` values (and the Console's `mdnsInterfaces` setting) are IPv4 addresses or interface names, resolved against this host.
 * An address the host does not have would make multicast-dns fail quietly: it reports the failed
 * group join as a warning and then sends nothing. It is therefore refused here, by name.
 * Node lists only interfaces that are up and running (have carrier), so an interface that is down
 * is refused too. The address is resolved once, when advertising or browsing starts.
 */
import { isIPv4, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface MdnsInterface {
  /** The IPv4 address multicast is sent from and received on. */
  address: string;
  /** The interface name, e.g. `eth0` or `lo`. */
  name: string;
  loopback: boolean;
}

export function resolveInterfaces(specs: readonly string[]): MdnsInterface[] {
  const all = Object.entries(networkInterfaces()).flatMap(([name, addrs]) =>
    (addrs ?? [])
      .filter((a) => a.family === 'IPv4')
      .map((a) => ({ address: a.address, name, loopback: a.internal })),
  );
  const out: MdnsInterface[] = [];
  for (const spec of specs) {
    let found: MdnsInterface | undefined;
    if (isIPv4(spec)) {
      found = all.find((a) => a.address === spec);
      if (!found)
        throw new Error(
          `mDNS interface ${spec}: this host has no such IPv4 address on an interface that is up`,
        );
    } else if (isIP(spec)) {
      throw new Error(
        `mDNS interface ${spec}: only IPv4 is supported; give the interface's IPv4 address or name`,
      );
    } else {
      found = all.find((a) => a.name === spec);
      if (!found)
        throw new Error(`mDNS interface "${spec}": no interface of that name is up with an IPv4 address`);
    }
    const same = out.find((o) => o.name === found.name);
    if (same) {
      // Multicast group membership is per interface: a second address on it adds nothing.
      if (same.address === found.address) continue;
      throw new Error(
        `mDNS interfaces ${same.address} and ${found.address} are both on ${found.name}: give one`,
      );
    }
    out.push(found);
  }
  return out;
}
