/**
 * Seeded randomness for the traffic model: the same seed gives the same traffic, so a test or
 * a fleet of simulated agents is reproducible. mulberry32: small, fast, good enough for noise.
 */
export type Random = () => number;

export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable number for a name (FNV-1a), to give each service and server its own character. */
export function hashOf(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** `x` rounded down or up at random so that the expected value is `x` (counts stay whole). */
export function roundRandom(x: number, rnd: Random): number {
  const floor = Math.floor(x);
  return floor + (rnd() < x - floor ? 1 : 0);
}

/** Exponentially distributed waiting time with the given mean (a Poisson process's gaps). */
export function exponential(mean: number, rnd: Random): number {
  return -Math.log(1 - rnd()) * mean;
}
