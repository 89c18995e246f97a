/**
 * Opens many keep-alive client connections, sends one request on each, reads the response and
 * then leaves the connection idle, so a proxy's memory per idle client can be read from /proc.
 */
import net from 'node:net';
import type { HostPort } from '../peers/types.ts';
import { completeResponse, getRequest } from './http1.ts';

export interface IdleOptions {
  count: number;
  /** Connections opened at once; small enough that the back end sees a modest burst. */
  batch: number;
  path: string;
  /** Give up opening more after this long (the test reports how many it held). */
  timeoutMs: number;
}

export interface IdleHold {
  /** Connections that got a complete 2xx response. */
  answered: number;
  failed: number;
  /** Connections still open right now (the server may close idle ones). */
  openNow(): number;
  /** Closes every connection with a reset, so 10,000 client ports are not left in TIME_WAIT. */
  closeAll(): Promise<void>;
}

export async function holdIdleConnections(target: HostPort, opts: IdleOptions): Promise<IdleHold> {
  const req = getRequest(target.host, target.port, opts.path);
  const socks = new Set<net.Socket>();
  let answered = 0;
  let failed = 0;

  function one(): Promise<void> {
    return new Promise((resolve) => {
      const sock = net.connect({ host: target.host, port: target.port, noDelay: true });
      let buf: Buffer = Buffer.alloc(0);
      let done = false;
      const finish = (good: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (good) answered++;
        else {
          failed++;
          sock.destroy();
        }
        resolve();
      };
      // A single connection that hangs must not stall the whole test.
      const timer = setTimeout(() => finish(false), 10_000);
      socks.add(sock);
      sock.once('close', () => {
        socks.delete(sock);
        finish(false);
      });
      sock.once('error', () => finish(false));
      sock.once('connect', () => sock.write(req));
      sock.on('data', (d: Buffer) => {
        if (done) return; // nothing more is expected; ignore
        buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
        try {
          const st = completeResponse(buf);
          if (st) finish(st.status >= 200 && st.status < 300 && !st.close);
        } catch {
          finish(false);
        }
      });
    });
  }

  const deadline = Date.now() + opts.timeoutMs;
  // Bounded: at most count/batch rounds, and none started after the deadline.
  for (let started = 0; started < opts.count && Date.now() < deadline;) {
    const n = Math.min(opts.batch, opts.count - started);
    await Promise.all(Array.from({ length: n }, one));
    started += n;
  }

  return {
    answered,
    failed,
    openNow: () => socks.size,
    async closeAll() {
      const waits = [...socks].map(
        (s) => new Promise<void>((r) => (s.destroyed ? r() : s.once('close', () => r()))),
      );
      for (const s of socks) s.resetAndDestroy();
      // Bounded wait for the close events.
      await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}
