/**
 * One real server of a pool as the engine sees it at run time: its settings, live health,
 * in-flight count, counters and (for L7) its keep-alive connections. A reload keeps the same
 * object for a server whose address and upstream settings did not change, so health, counters
 * and pooled connections survive; weight, enabled and maxConnections are updated in place.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { HealthState } from '../../shared/model/health.ts';
import type { RealServer } from '../../shared/model/config.ts';
import { hashString, type Candidate } from './balancer.ts';
import { Traffic } from './traffic.ts';
import { UpstreamPool } from './upstream/pool.ts';

/** TLS from the agent to the real server (re-encrypt). */
export interface UpstreamTls {
  ca?: string | undefined;
  servername?: string | undefined;
  rejectUnauthorized: boolean;
}

export interface UpstreamSettings {
  connectMs: number;
  serverMs: number;
  tls?: UpstreamTls | undefined;
}

export class RealServerRuntime implements Candidate {
  /** `pool/server`: how the server is named in health, stats and events. */
  readonly key: string;
  readonly pool: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly upstream: UpstreamSettings;
  /** Identity of what a pool depends on; a change means a new runtime. */
  readonly identity: string;
  readonly hashSeed: number;
  /** Opaque, stable value of the persistence cookie: does not reveal the server's address. */
  readonly cookieValue: string;
  /** SNI sent to the real server: the configured name, else its address unless that is an IP. */
  readonly sni: string | undefined;

  weight: number;
  enabled: boolean;
  maxConnections: number;
  health: HealthState = 'unknown';

  /** Connections (L4, tunnels) or requests (L7) in flight to it now. */
  active = 0;
  readonly traffic = new Traffic();

  private keepAlive: UpstreamPool | undefined;

  constructor(pool: string, rs: RealServer, upstream: UpstreamSettings) {
    this.pool = pool;
    this.key = `${pool}/${rs.name}`;
    this.name = rs.name;
    this.address = rs.address;
    this.port = rs.port;
    this.upstream = upstream;
    this.identity = RealServerRuntime.identityOf(rs, upstream);
    this.hashSeed = hashString(rs.name);
    this.cookieValue = createHash('sha256').update(this.key).digest('hex').slice(0, 16);
    this.sni = upstream.tls?.servername ?? (isIP(rs.address) ? undefined : rs.address);
    this.weight = rs.weight;
    this.enabled = rs.enabled;
    this.maxConnections = rs.maxConnections;
  }

  static identityOf(rs: RealServer, upstream: UpstreamSettings): string {
    return JSON.stringify([rs.address, rs.port, upstream]);
  }

  update(rs: RealServer): void {
    this.weight = rs.weight;
    this.enabled = rs.enabled;
    this.maxConnections = rs.maxConnections;
  }

  /**
   * Takes an in-flight slot (a connection or tunnel) and returns the one way to give it back:
   * whichever side fails first, at whatever stage, calling it again does nothing. A slot given
   * back twice would let the server exceed maxConnections; one never given back would hold it
   * out of rotation for good.
   */
  lease(): () => void {
    this.active++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.active--;
    };
  }

  /** Down and disabled servers take no new traffic; unknown ones do (like HAProxy's start). */
  isAvailable(): boolean {
    return (
      this.enabled &&
      this.health !== 'down' &&
      this.health !== 'disabled' &&
      (this.maxConnections === 0 || this.active < this.maxConnections)
    );
  }

  /** The keep-alive connections to this server, created on first use. */
  httpPool(): UpstreamPool {
    if (this.keepAlive) return this.keepAlive;
    const traffic = this.traffic;
    this.keepAlive = new UpstreamPool({
      address: this.address,
      port: this.port,
      connectMs: this.upstream.connectMs,
      serverMs: this.upstream.serverMs,
      tls: this.upstream.tls,
      sni: this.sni,
      // A refused connection is an error of its own (CONNECT_FAILED), not a connection.
      onConnect: () => traffic.connections++,
    });
    return this.keepAlive;
  }

  /** Lets in-flight requests finish, then closes pooled connections. */
  async close(): Promise<void> {
    const pool = this.keepAlive;
    this.keepAlive = undefined;
    if (pool) await pool.close();
  }
}
