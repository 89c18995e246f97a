/**
 * Network namespaces a test makes and removes: a LAN (a bridge inside a namespace of its own)
 * and hosts, each a namespace joined to the bridge by a veth pair, with addresses only inside
 * those namespaces. Nothing touches the host's interfaces. Every namespace made is removed by
 * `remove()` and, should a test die before its afterAll, by a process exit hook.
 *
 *   ns <tag>-lan: br0 ── veth ── ns <tag>-<host>: eth0 10.x.y.z/24 (+ lo)
 *
 * The test process stays in the host's namespace; `reach()` gives it a 127.0.0.1 port that
 * leads to an address inside a namespace (a relay child in the namespace on a unix socket, and
 * a forwarder here), so it can speak to an agent's management API on that namespace's loopback.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const CHILD = new URL('./netns-child.ts', import.meta.url).pathname;
const made = new Set<string>();
/** Processes started in those namespaces: killed by the exit hook should a test die first. */
const started = new Set<number>();
let hooked = false;

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Root, `ip netns`, veth and bridge: tried once with a namespace that is removed again. */
export function netnsAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = `ptp${process.pid.toString(36)}`;
  try {
    ip('netns', 'add', probe);
    try {
      ip('-n', probe, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', probe, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    } finally {
      ip('netns', 'del', probe);
    }
    return true;
  } catch {
    return false;
  }
}

function removeAll(): void {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  started.clear();
  for (const ns of made) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // already gone
    }
  }
  made.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', removeAll);
}

/** Remembers a process started in a namespace until it exits, for the exit hook. */
export function track(child: ChildProcess): void {
  hook();
  if (child.pid === undefined) return;
  const pid = child.pid;
  started.add(pid);
  child.once('exit', () => started.delete(pid));
}

function addNamespace(ns: string): void {
  hook();
  ip('netns', 'add', ns);
  made.add(ns);
}

export interface Lan {
  /** Prefix of every namespace and interface this LAN made. */
  tag: string;
  ns: string;
  /** Adds a host: a namespace with eth0 at `cidr` on the bridge; returns the namespace. */
  addHost(name: string, cidr: string): Promise<string>;
  /** Takes a host's link down or up (its cable), from the bridge's side. */
  setCable(name: string, up: boolean): void;
  /** Removes every namespace of this LAN (their veths go with them). */
  remove(): void;
}

export function createLan(prefix: string): Lan {
  const tag = `${prefix}${process.pid.toString(36)}${Math.random().toString(36).slice(2, 4)}`.slice(0, 9);
  const lanNs = `${tag}-lan`;
  const mine: string[] = [];
  addNamespace(lanNs);
  mine.push(lanNs);
  ip('-n', lanNs, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', lanNs, 'link', 'set', 'br0', 'up');
  let n = 0;
  const ports = new Map<string, string>();
  return {
    tag,
    ns: lanNs,
    async addHost(name, cidr) {
      const ns = `${tag}-${name}`;
      addNamespace(ns);
      mine.push(ns);
      const port = `p${n++}`;
      const temp = `${tag}h${n}`;
      ip('link', 'add', temp, 'netns', ns, 'type', 'veth', 'peer', 'name', port, 'netns', lanNs);
      ip('-n', ns, 'link', 'set', temp, 'name', 'eth0');
      ip('-n', lanNs, 'link', 'set', port, 'master', 'br0');
      ip('-n', lanNs, 'link', 'set', port, 'up');
      ip('-n', ns, 'addr', 'add', cidr, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ports.set(name, port);
      // A veth end has carrier only some time after its peer is up.
      const end = Date.now() + 5_000;
      while (!/state UP/.test(ip('-n', ns, 'link', 'show', 'dev', 'eth0'))) {
        if (Date.now() > end) throw new Error(`eth0 in ${ns} has no carrier`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return ns;
    },
    setCable(name, up) {
      ip('-n', lanNs, 'link', 'set', ports.get(name)!, up ? 'up' : 'down');
    },
    remove() {
      for (const ns of mine.splice(0).reverse()) {
        try {
          ip('netns', 'del', ns);
        } catch {
          // already gone
        }
        made.delete(ns);
      }
    },
  };
}

/** Writes a sysctl inside a namespace (per-namespace ones such as net.ipv4.ip_nonlocal_bind). */
export function sysctlIn(ns: string, key: string, value: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', `${key}=${value}`], { stdio: 'pipe' });
}

/** The IPv4 addresses on an interface of a namespace, without prefixes. */
export function addressesIn(ns: string, dev = 'eth0'): string[] {
  const out = ip('-n', ns, '-4', '-o', 'addr', 'show', 'dev', dev);
  return [...out.matchAll(/inet (\S+)\//g)].map((m) => m[1]!);
}

export interface NsChild {
  proc: ChildProcess;
  /** Each JSON line the child printed, in order. */
  lines: Record<string, unknown>[];
  waitFor(
    pred: (line: Record<string, unknown>) => boolean,
    what: string,
    ms?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** test/support/netns-child.ts in a namespace (`relay`, `backend` or `client`, see there). */
export function childIn(ns: string, mode: string, ...args: string[]): NsChild {
  const proc = spawn('ip', ['netns', 'exec', ns, process.execPath, CHILD, mode, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(proc);
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      lines.push({ text: l });
    }
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return {
    proc,
    lines,
    async waitFor(pred, what, ms = 10_000) {
      const end = Date.now() + ms;
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (proc.exitCode !== null || Date.now() > end)
          throw new Error(`${mode} in ${ns}: no ${what}; stderr: ${stderr.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Reach {
  /** A port on 127.0.0.1 in the test's namespace that leads to the target. */
  port: number;
  close(): Promise<void>;
}

/** A 127.0.0.1 port here that leads to `host:port` inside namespace `ns`. */
export async function reach(ns: string, host: string, port: number): Promise<Reach> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-reach-'));
  const path = join(dir, 'relay.sock');
  const relay = childIn(ns, 'relay', path, `${host}:${port}`);
  await relay.waitFor((l) => l.event === 'ready', 'relay ready');
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(path);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
