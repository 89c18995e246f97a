/**
 * The traffic a simulated service sees: a request rate with a daily-ish wave (each service at
 * its own phase) and noise, a few 3xx/4xx and a small 5xx share, bytes per request, and
 * latencies from a log-normal distribution turned into the status contract's histogram
 * buckets. Pure: counts for a span of time, from a profile and a random source.
 */
import { LATENCY_BUCKETS_MS, RESPONSE_CLASSES, type ResponseClass } from '../../../shared/protocol/stats.ts';
import { hashOf, roundRandom, seeded, type Random } from './random.ts';

export interface TrafficOptions {
  /** Requests per second of a service at the middle of its wave: each service gets one in this range. */
  rps: [min: number, max: number];
  /** Length of the wave in seconds (default a day; demos use minutes so charts move). */
  waveSeconds: number;
  /** How far the wave swings around the middle, 0–1 (default 0.6: from 0.4× to 1.6×). */
  waveDepth: number;
  /** Share of requests answered 5xx by a healthy server (default 0.004). */
  errorShare: number;
}

export const DEFAULT_TRAFFIC: TrafficOptions = {
  rps: [2, 40],
  waveSeconds: 86_400,
  waveDepth: 0.6,
  errorShare: 0.004,
};

export interface ServiceProfile {
  baseRps: number;
  /** Where in the wave this service is at t = 0, 0–1. */
  phase: number;
  /** Share of responses per class for requests a server answered. */
  shares: Record<ResponseClass, number>;
  bytesIn: number;
  bytesOut: number;
}

export interface ServerProfile {
  /** Share of latencies per histogram bucket (LATENCY_BUCKETS_MS, then slower); adds up to 1. */
  buckets: Float64Array;
  meanMs: number;
}

/** Each service its own rate, phase and mix, from its name: the same every run. */
export function serviceProfile(name: string, seed: number, opts: TrafficOptions): ServiceProfile {
  const rnd = seeded(hashOf(name, seed));
  const [min, max] = opts.rps;
  const errors = opts.errorShare * (0.5 + rnd());
  const redirects = 0.02 * rnd();
  const clientErrors = 0.01 + 0.03 * rnd();
  return {
    // Log-uniform: many quiet services and a few busy ones, as fleets have.
    baseRps: min * Math.pow(max / min, rnd()),
    phase: rnd(),
    shares: {
      '1xx': 0,
      '2xx': 1 - errors - redirects - clientErrors,
      '3xx': redirects,
      '4xx': clientErrors,
      '5xx': errors,
    },
    bytesIn: Math.round(300 + 900 * rnd()),
    bytesOut: Math.round(2_000 + 40_000 * rnd()),
  };
}

/** Each server its own speed: a median of 5–80 ms, log-normal with σ 0.7. */
export function serverProfile(key: string, seed: number): ServerProfile {
  const rnd = seeded(hashOf(key, seed ^ 0x5bd1e995));
  return latencyProfile(5 * Math.pow(16, rnd()), 0.7);
}

export function latencyProfile(medianMs: number, sigma: number): ServerProfile {
  const mu = Math.log(medianMs);
  const cdf = (ms: number) => 0.5 * (1 + erf((Math.log(ms) - mu) / (sigma * Math.SQRT2)));
  const buckets = new Float64Array(LATENCY_BUCKETS_MS.length + 1);
  let below = 0;
  LATENCY_BUCKETS_MS.forEach((bound, i) => {
    const at = cdf(bound);
    buckets[i] = at - below;
    below = at;
  });
  buckets[LATENCY_BUCKETS_MS.length] = 1 - below;
  return { buckets, meanMs: Math.exp(mu + (sigma * sigma) / 2) };
}

/** Requests per second of `profile` at `tSeconds`, with ±10 % noise. */
export function rateAt(profile: ServiceProfile, tSeconds: number, opts: TrafficOptions, rnd: Random): number {
  const wave = 1 + opts.waveDepth * Math.sin(2 * Math.PI * (tSeconds / opts.waveSeconds + profile.phase));
  return profile.baseRps * wave * (0.9 + 0.2 * rnd());
}

/** `n` spread over classes by `shares`, whole numbers adding up to `n`. */
export function splitResponses(
  n: number,
  shares: Record<ResponseClass, number>,
  rnd: Random,
): Record<ResponseClass, number> {
  const out = { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
  let left = n;
  for (const c of RESPONSE_CLASSES) {
    if (c === '2xx') continue;
    const k = Math.min(left, roundRandom(n * shares[c], rnd));
    out[c] = k;
    left -= k;
  }
  out['2xx'] = left;
  return out;
}

/** Adds `n` latencies drawn from `server` to `counts` (whole numbers adding up to `n`); returns their sum in ms. */
export function addLatencies(n: number, server: ServerProfile, counts: number[], rnd: Random): number {
  let left = n;
  const last = server.buckets.length - 1;
  for (let b = 0; b < last && left > 0; b++) {
    const k = Math.min(left, roundRandom(n * server.buckets[b]!, rnd));
    counts[b]! += k;
    left -= k;
  }
  counts[last]! += left;
  return n * server.meanMs * (0.85 + 0.3 * rnd());
}

/** Abramowitz–Stegun 7.1.26 (error below 1.5e-7): enough for bucket shares. */
function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-a * a);
  return sign * y;
}
