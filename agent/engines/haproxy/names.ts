/**
 * How config objects are named inside HAProxy, so that every name maps back 1:1: a frontend
 * is named after its virtual service, a backend after its pool, a `server` line after its real
 * server (`set server <pool>/<server>` is the config's `pool/server`). Config names are
 * letters, digits, `-` and `_` (ObjectName), so names with a `.` can never collide with them:
 * the agent's own helper sections use one.
 */
import { createHash } from 'node:crypto';
import { serverKey } from '../../../shared/model/config.ts';

/**
 * A pool used by a tcp service and by an http/https service needs a second backend in
 * `mode tcp` (HAProxy joins a frontend only to a backend of its own mode). Its servers track
 * the pool's, so health is probed once; stats add both up.
 */
export function tcpTwin(pool: string): string {
  return `${pool}.tcp`;
}

/** The backend that answers 404 on an http/https service without a default pool. */
export const NOT_FOUND_BACKEND = 'portico.not-found';

/** The table counting NO_SERVER answers per service (frontend name → gpc0). */
export const NO_SERVER_TABLE = 'portico.no-server';

/**
 * The persistence cookie's value for a server: the built-in engine's (agent/engine/pool.ts,
 * real-server.ts), so a client keeps its server when an admin switches engines. Opaque: it
 * does not reveal the server's address.
 */
export function cookieValue(pool: string, server: string): string {
  return createHash('sha256').update(serverKey(pool, server)).digest('hex').slice(0, 16);
}

/** A short content hash for side-file names: a changed file gets a new name. */
export function contentHash(content: string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}
