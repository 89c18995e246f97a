/**
 * One real server of a pool as the engine sees it at run time: its settings, live health,
 * in-flight count, counters and (for L7) its keep-alive connections. A reload keeps the same
 * object for a server whose address and upstream settings did not change, so health, counters
 * and pooled connections survive; weight, enabled and maxConnections are updated in place.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { buildConnector as BuildConnectorType, Pool as UndiciPool } from 'undici';
import buildConnector from 'undici/lib/core/connect.js';
import PoolClass from 'undici/lib/dispatcher/pool.js';
import type { HealthState } from '../../shared/model/health.ts';
import type { RealServer } from '../../shared/model/config.ts';
import { hashString, type Candidate } from './balancer.ts';
import { Traffic } from './traffic.ts';

// Only the pool and its connector: undici's index also loads fetch, WebSocket, the caches and
// the interceptors, 11 MB of resident memory that a proxy never uses (measured with and without
// the import, on top of the agent's other dependencies). Static imports, so every bundle carries
// them (the desktop app has no node_modules to require them from at run time).
type Pool = UndiciPool;

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
  /**
   * What every request to this server names as its servername. undici otherwise derives it
   * from the forwarded Host header and reconnects whenever that changes.
   */
  readonly dispatchServername: string;
  /** SNI sent to the real server: the configured name, else its address unless that is an IP. */
  readonly sni: string | undefined;

  weight: number;
  enabled: boolean;
  maxConnections: number;
  health: HealthState = 'unknown';

  /** Connections (L4, tunnels) or requests (L7) in flight to it now. */
  active = 0;
  readonly traffic = new Traffic();

  private keepAlive: Pool | undefined;

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
    this.dispatchServername = this.sni ?? rs.address;
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

  /** The keep-alive pool to this server, created on first use. */
  httpPool(): Pool {
    if (this.keepAlive) return this.keepAlive;
    const tls = this.upstream.tls;
    const host = this.address.includes(':') ? `[${this.address}]` : this.address;
    this.keepAlive = new PoolClass(`${tls ? 'https' : 'http'}://${host}:${this.port}`, {
      connections: this.maxConnections > 0 ? this.maxConnections : null,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: this.upstream.serverMs,
      bodyTimeout: this.upstream.serverMs,
      connect: this.connector(),
    });
    return this.keepAlive;
  }

  /** undici's connector with our SNI forced, whatever servername a request carries. */
  private connector(): BuildConnectorType.connector {
    const tls = this.upstream.tls;
    const sni = this.sni;
    const base = buildConnector({
      timeout: this.upstream.connectMs,
      noDelay: true,
      ...(tls ? { ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized, servername: sni } : {}),
    } as BuildConnectorType.BuildOptions);
    const traffic = this.traffic;
    // Called once per new connection to the server: where pooled HTTP counts the connections
    // it opened (a refused one is an error of its own, CONNECT_FAILED).
    return (opts, callback) => {
      base(tls ? { ...opts, servername: sni } : opts, (err, socket) => {
        if (!err) traffic.connections++;
        callback(err, socket as never);
      });
    };
  }

  /** Lets in-flight requests finish, then closes pooled connections. */
  async close(): Promise<void> {
    const pool = this.keepAlive;
    this.keepAlive = undefined;
    if (pool) await pool.close().catch(() => pool.destroy());
  }
}
