/**
 * Every scenario, in run order. A new one (TLS handshakes/s with RSA 2048 and ECDSA P-256 via
 * h2load with tickets off, keep-alive over TLS offload, re-encrypt) is a module of the same
 * shape plus an endpoint kind in peers/types.ts that each peer's config learns to serve.
 */
import { cps } from './cps.ts';
import { l4 } from './l4.ts';
import { l7 } from './l7.ts';
import { latency } from './latency.ts';
import { memory } from './memory.ts';
import type { Scenario } from './types.ts';

export const SCENARIOS: Scenario[] = [l7, cps, l4, latency, memory];
