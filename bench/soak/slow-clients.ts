/**
 * Row 5's attackers. A slowloris client sends a request line, then one byte of an endless
 * header every few seconds; a slow-body client sends a complete PUT head announcing a body,
 * then one byte of it every few seconds. Each reconnects when the agent ends its connection
 * (as a real attacker would) until the attack stops, and every ending is recorded: the status
 * the agent answered with (408, …), a close without an answer, a reset, a refused connect.
 *
 * They connect from other loopback addresses than the measuring client (127.0.0.0/8 is all
 * loopback on Linux), so a per-source connection limit can tell them apart from it.
 */
import net from 'node:net';

export interface SlowOptions {
  host: string;
  port: number;
  count: number;
  /** Source addresses, used in turn. */
  sources: string[];
  /** One byte every [min, max) ms, the moment drawn per byte. */
  byteEveryMs: [number, number];
  /** Connections are opened over this long, not all at once. */
  rampMs: number;
  mode: 'head' | 'body';
  /** Body length announced in slow-body heads. */
  bodyBytes?: number;
  random: () => number;
}

export interface SlowSummary {
  connections: number;
  /** Connections ended by the agent with an answer, by status. */
  answered: Record<string, number>;
  /** Ended by the agent without an answer (FIN or reset). */
  closedSilently: number;
  reset: number;
  refused: number;
  /** Still open when the attack stopped: the agent was holding them. */
  openAtEnd: number;
  /** How long the agent let connections live before ending them (ms), for the ones it ended. */
  lifetimesMs: number[];
}

export interface SlowAttack {
  /** Connections open now. */
  open(): number;
  stop(): SlowSummary;
}

export function slowAttack(o: SlowOptions): SlowAttack {
  const s: SlowSummary = {
    connections: 0,
    answered: {},
    closedSilently: 0,
    reset: 0,
    refused: 0,
    openAtEnd: 0,
    lifetimesMs: [],
  };
  const socks = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let running = true;
  let seq = 0;
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const gap = () => o.byteEveryMs[0] + o.random() * (o.byteEveryMs[1] - o.byteEveryMs[0]);

  function client(i: number) {
    if (!running) return;
    const source = o.sources[i % o.sources.length]!;
    const n = seq++;
    const head =
      o.mode === 'head'
        ? `GET /1k.bin HTTP/1.1\r\nHost: 127.0.0.1:${o.port}\r\n`
        : `PUT /upload/${n} HTTP/1.1\r\nHost: 127.0.0.1:${o.port}\r\nContent-Length: ${o.bodyBytes ?? 65536}\r\n\r\n`;
    // An endless header for slowloris; the announced body for slow bodies.
    const drip =
      o.mode === 'head' ? 'X-Slow-Loris-Header: keep-waiting\r\n' : 'b'.repeat(o.bodyBytes ?? 65536);
    let at = 0;
    let reply = '';
    let err = '';
    let connected = false;
    const openedAt = Date.now();
    s.connections++;
    const sock = net.connect({ host: o.host, port: o.port, localAddress: source });
    socks.add(sock);
    const tick = () => {
      if (!running || sock.destroyed) return;
      sock.write(drip[at % drip.length]!);
      at++;
      later(tick, gap());
    };
    sock.once('connect', () => {
      connected = true;
      sock.write(head);
      later(tick, gap());
    });
    sock.on('data', (d: Buffer) => {
      if (reply.length < 1024) reply += d.toString('latin1');
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      err = e.code ?? 'error';
    });
    sock.once('close', () => {
      socks.delete(sock);
      if (!running) return; // our own stop
      // The status, with the agent's named error code when its body carries one (`502 X`).
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(reply)?.[1];
      const code = status ? /\(([A-Z_]+)\)/.exec(reply.slice(reply.indexOf('\r\n\r\n')))?.[1] : undefined;
      const answer = status && code ? `${status} ${code}` : status;
      if (!connected) s.refused++;
      else {
        s.lifetimesMs.push(Date.now() - openedAt);
        if (answer) s.answered[answer] = (s.answered[answer] ?? 0) + 1;
        else if (err === 'ECONNRESET') s.reset++;
        else s.closedSilently++;
      }
      later(() => client(i), connected ? 50 : 500);
    });
  }

  for (let i = 0; i < o.count; i++) later(() => client(i), (i / o.count) * o.rampMs);

  return {
    open: () => socks.size,
    stop: () => {
      running = false;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      s.openAtEnd = socks.size;
      for (const sock of socks) sock.destroy();
      return s;
    },
  };
}
