/**
 * A fixed-rate HTTP/1.1 client (wrk only does closed-loop load, h2load's --rate paces
 * connections, not requests). Sends `rate` requests per second for `durationS` over a small
 * pool of keep-alive connections, one request in flight per connection, and records each
 * request's latency from the write to the last byte of the response.
 *
 * Latency is measured from the actual write, and the scheduler's lateness is reported apart
 * (lagP99Ms): Node timers fire up to ~1 ms late, which would otherwise swamp a sub-millisecond
 * difference between direct and proxied. The pool grows when every connection is busy, so a
 * slow response does not delay the next request (no coordinated omission at this rate).
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { percentileSorted } from '../lib/stats.ts';
import type { HostPort } from '../peers/types.ts';
import { completeResponse, getRequest } from './http1.ts';

export interface FixedRateOptions {
  rate: number;
  durationS: number;
  path: string;
  /** Connections opened and used once before the clock starts. */
  warmConnections?: number;
  /** Upper bound on the pool; past it, requests wait for a free connection (counted). */
  maxConnections?: number;
}

export interface FixedRateResult {
  planned: number;
  ok: number;
  errors: number;
  /** Requests that found every connection busy and the pool at its cap. */
  queued: number;
  connections: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** How late the client's timer sent requests (p99): the client's own precision. */
  lagP99Ms: number;
}

interface Conn {
  sock: net.Socket;
  buf: Buffer;
  /** Request index in flight, -1 when idle, -2 for an unrecorded warm-up request. */
  inFlight: number;
  sentAt: number;
  dead: boolean;
}

export function fixedRate(target: HostPort, opts: FixedRateOptions): Promise<FixedRateResult> {
  const total = Math.max(1, Math.round(opts.rate * opts.durationS));
  const intervalMs = 1000 / opts.rate;
  const maxConns = opts.maxConnections ?? 64;
  const req = getRequest(target.host, target.port, opts.path);
  const latencies = new Float64Array(total).fill(NaN);
  const lags = new Float64Array(total).fill(NaN);
  const conns = new Set<Conn>();
  const idle: Conn[] = [];
  const waiting: number[] = [];
  let ok = 0;
  let errors = 0;
  let queued = 0;
  let opened = 0;
  let dispatched = 0;
  let t0 = 0;

  return new Promise<FixedRateResult>((resolve) => {
    let finished = false;
    let onWarm: (() => void) | null = null;
    let warmPending = 0;

    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(hardStop);
      for (const c of conns) c.sock.destroy();
      // Requests never answered before the hard stop count as errors.
      errors += total - ok - errors;
      const sorted = Float64Array.from(latencies.filter((x) => !Number.isNaN(x))).sort();
      const lagSorted = Float64Array.from(lags.filter((x) => !Number.isNaN(x))).sort();
      resolve({
        planned: total,
        ok,
        errors,
        queued,
        connections: opened,
        p50Ms: percentileSorted(sorted, 50),
        p99Ms: percentileSorted(sorted, 99),
        p999Ms: percentileSorted(sorted, 99.9),
        maxMs: sorted.length ? (sorted[sorted.length - 1] as number) : NaN,
        lagP99Ms: percentileSorted(lagSorted, 99),
      });
    }
    // Bounded in time whatever the peer does: the run plus 10 s for stragglers.
    const hardStop = setTimeout(finish, opts.durationS * 1000 + 10_000);

    function settle(c: Conn, good: boolean) {
      const i = c.inFlight;
      c.inFlight = -1;
      if (i === -2) {
        warmPending--;
        if (warmPending === 0 && onWarm) onWarm();
      } else if (i >= 0) {
        if (good) {
          ok++;
          latencies[i] = performance.now() - c.sentAt;
        } else errors++;
        if (ok + errors >= total) return finish();
      }
      if (!c.dead) release(c);
    }

    function release(c: Conn) {
      const next = waiting.shift();
      if (next !== undefined) send(c, next);
      else idle.push(c);
    }

    function send(c: Conn, i: number) {
      c.inFlight = i;
      c.buf = Buffer.alloc(0);
      c.sentAt = performance.now();
      c.sock.write(req);
    }

    function open(first: number): void {
      opened++;
      const c: Conn = {
        sock: net.connect({ host: target.host, port: target.port, noDelay: true }),
        buf: Buffer.alloc(0),
        inFlight: first,
        sentAt: 0,
        dead: false,
      };
      conns.add(c);
      c.sock.once('connect', () => send(c, c.inFlight));
      c.sock.on('data', (d: Buffer) => {
        c.buf = c.buf.length === 0 ? d : Buffer.concat([c.buf, d]);
        let state;
        try {
          state = completeResponse(c.buf);
        } catch {
          c.dead = true;
          conns.delete(c);
          c.sock.destroy();
          settle(c, false);
          return;
        }
        if (!state) return;
        if (state.close) {
          c.dead = true;
          conns.delete(c);
          c.sock.end();
        }
        settle(c, state.status >= 200 && state.status < 300);
      });
      const gone = () => {
        conns.delete(c);
        const i = idle.indexOf(c);
        if (i >= 0) idle.splice(i, 1);
        if (!c.dead) {
          c.dead = true;
          if (c.inFlight !== -1) settle(c, false);
        }
      };
      c.sock.once('error', gone);
      c.sock.once('close', gone);
    }

    function dispatch(i: number) {
      const c = idle.pop(); // LIFO: keep using the warmest connection
      if (c) send(c, i);
      else if (conns.size < maxConns) open(i);
      else {
        queued++;
        waiting.push(i);
      }
    }

    function tick() {
      if (finished) return;
      const now = performance.now();
      while (dispatched < total && t0 + dispatched * intervalMs <= now) {
        lags[dispatched] = now - (t0 + dispatched * intervalMs);
        dispatch(dispatched++);
      }
      if (dispatched < total) setTimeout(tick, Math.max(0, t0 + dispatched * intervalMs - performance.now()));
    }

    function start() {
      onWarm = null;
      t0 = performance.now();
      tick();
    }

    const warm = Math.min(opts.warmConnections ?? 4, maxConns);
    if (warm === 0) return start();
    warmPending = warm;
    onWarm = start;
    for (let k = 0; k < warm; k++) open(-2);
  });
}
