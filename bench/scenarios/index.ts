/**
 * Every scenario, in run order. A new one is a module of the same shape plus, if it needs a
 * new listener, an endpoint kind in peers/types.ts that each peer's config learns to serve.
 * The memory test follows the plain HTTP and L4 scenarios as it always did, so its "RSS
 * before" stays comparable across runs; the TLS scenarios come after it (Portico's RSS grows
 * by a few hundred MB over them, which would otherwise become the memory test's baseline).
 */
import { applies } from './applies.ts';
import { cps } from './cps.ts';
import { l4 } from './l4.ts';
import { l7 } from './l7.ts';
import { latency } from './latency.ts';
import { memory } from './memory.ts';
import { tlsHandshakeEcdsa, tlsHandshakeRsa, tlsOffloadKeepAlive, tlsReencryptKeepAlive } from './tls.ts';
import type { Scenario } from './types.ts';

export const SCENARIOS: Scenario[] = [
  l7,
  cps,
  l4,
  latency,
  memory,
  tlsHandshakeRsa,
  tlsHandshakeEcdsa,
  tlsOffloadKeepAlive,
  tlsReencryptKeepAlive,
  // Last: 100 reloads leave an agent peer's HAProxy with old workers for a while.
  applies,
];
