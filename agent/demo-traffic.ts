/**
 * Light traffic for the demo fleet, so its charts move: a few requests per second to each demo
 * service on 127.0.0.1, on a slow wave (each service at its own phase), over keep-alive
 * connections, with a mix of paths (pages, API calls, a slow page, a missing one). Bounded: at
 * most MAX_IN_FLIGHT requests open per service and MAX_RATE per second in all, each with a
 * timeout; stop() ends it and closes the connections.
 */
import { Agent, request } from 'node:http';

const TICK_MS = 100;
/** Requests per second per service at the middle of the wave. */
const BASE_RATE = 4;
/** Length of the wave: ten minutes, so a change shows within a glance at the last 15 minutes. */
const WAVE_MS = 10 * 60_000;
const MAX_IN_FLIGHT = 4;
/** Requests per second for everything together, whatever the wave says. */
const MAX_RATE = 40;
const TIMEOUT_MS = 5_000;
const PATHS = ['/', '/', '/', '/api/items', '/api/items', '/api/orders', '/slow', '/missing'];

export interface DemoTraffic {
  /** Requests answered, by status class (`2xx`, …) or `failed`. */
  readonly counts: Record<string, number>;
  stop(): void;
}

export function startDemoTraffic(urls: readonly string[], random: () => number = Math.random): DemoTraffic {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const counts: Record<string, number> = {};
  const inFlight = new Array<number>(urls.length).fill(0);
  const owed = new Array<number>(urls.length).fill(0);
  const phase = urls.map((_, i) => i / Math.max(1, urls.length));
  const started = Date.now();
  const perServiceCap = MAX_RATE / Math.max(1, urls.length);

  const send = (i: number) => {
    const url = new URL(PATHS[Math.floor(random() * PATHS.length)]!, urls[i]);
    if (url.hostname !== '127.0.0.1')
      throw new Error(`demo traffic goes to 127.0.0.1 only, not ${url.hostname}`);
    inFlight[i]!++;
    let done = false;
    const finish = (what: string) => {
      if (done) return;
      done = true;
      inFlight[i]!--;
      counts[what] = (counts[what] ?? 0) + 1;
    };
    const req = request(url, { agent, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.once('end', () => finish(`${Math.floor((res.statusCode ?? 0) / 100)}xx`));
      res.once('error', () => finish('failed'));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => finish('failed'));
    req.end();
  };

  const timer = setInterval(() => {
    const t = (Date.now() - started) / WAVE_MS;
    urls.forEach((_, i) => {
      const rate = Math.min(perServiceCap, BASE_RATE * (1 + 0.6 * Math.sin(2 * Math.PI * (t + phase[i]!))));
      owed[i]! += (rate * TICK_MS) / 1000;
      while (owed[i]! >= 1) {
        owed[i]! -= 1;
        // A slow service is not sent more than it can hold: the rest of this tick is dropped.
        if (inFlight[i]! >= MAX_IN_FLIGHT) {
          owed[i] = 0;
          break;
        }
        send(i);
      }
    });
  }, TICK_MS);
  // The demo's traffic never keeps the process alive by itself.
  timer.unref();

  return {
    counts,
    stop() {
      clearInterval(timer);
      agent.destroy();
    },
  };
}
