/**
 * Types for the two parts of undici the engine loads on their own (agent/engine/real-server.ts):
 * the package declares types only for its index, which also loads fetch, WebSocket and caches.
 */
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export default PoolClass;
}

declare module 'undici/lib/core/connect.js' {
  import type { buildConnector } from 'undici';
  const build: typeof buildConnector;
  export default build;
}
