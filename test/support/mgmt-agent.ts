/**
 * Test support for the management API: a real management plane (engine, config store, cert store in
 * a temp data dir) behind a real wss server on 127.0.0.1:0 with a throw-away ECDSA P-256
 * identity made by the openssl CLI, and a small JSON-RPC client on `ws` that trusts exactly
 * that certificate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket, type ClientOptions } from 'ws';
import type { RealServerHealth } from '../../shared/model/health.ts';
import type { ErrorResponse, ResultResponse } from '../../shared/protocol/envelopes.ts';
import type { EventNotification } from '../../shared/protocol/events.ts';
import type { MethodName, ParamsInput } from '../../shared/protocol/methods.ts';
import { openCertStore } from '../../agent/certs/engine-source.ts';
import { CertStore } from '../../agent/certs/store.ts';
import { AuditLog } from '../../agent/config/audit-log.ts';
import { ConfigStore } from '../../agent/config/config-store.ts';
import { Engine } from '../../agent/engine/engine.ts';
import { silentLogger } from '../../agent/log.ts';
import { createManagement, type Management, type ManagementOptions } from '../../agent/mgmt/management.ts';
import { Broadcast } from '../../agent/mgmt/broadcast.ts';
import {
  startManagementServer,
  type ManagementServer,
  type ManagementServerOptions,
} from '../../agent/mgmt/server.ts';
import { selfSigned } from './pki.ts';

export interface Identity {
  key: string;
  cert: string;
}

/** A self-signed ECDSA P-256 certificate for 127.0.0.1, like the agent's identity. */
export function makeIdentity(): Identity {
  return selfSigned('portico-agent-test', ['IP:127.0.0.1']);
}

export const TEST_TOKEN = 'test-token-0123456789abcdefghijklmnop';

export interface TestAgent {
  dataDir: string;
  engine: Engine;
  configStore: ConfigStore;
  certStore: CertStore;
  management: Management;
  /** The health events' feed (the engine's changes go through it too): publish here to fake one. */
  health: Broadcast<RealServerHealth>;
  server: ManagementServer;
  identity: Identity;
  url: string;
  /** The token the server accepts now; assign to rotate. */
  token: string;
  connect(opts?: { token?: string | null; headers?: Record<string, string> }): Promise<TestClient>;
  close(): Promise<void>;
}

export async function startTestAgent(
  options: {
    identity?: Identity;
    server?: Partial<Omit<ManagementServerOptions, 'management' | 'tls' | 'token'>>;
    management?: Partial<Pick<ManagementOptions, 'templates' | 'statsIntervalMs'>>;
  } = {},
): Promise<TestAgent> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-mgmt-'));
  const log = silentLogger();
  const health = new Broadcast<RealServerHealth>();
  const engine = new Engine({ log, drainMs: 200, certs: openCertStore(dataDir) });
  engine.onHealth(health.publish);
  const configStore = await ConfigStore.open(dataDir, engine, log);
  const certStore = new CertStore(dataDir);
  const management = createManagement({
    engine,
    configStore,
    certStore,
    healthFeed: (listener) => health.subscribe(listener),
    log,
    audit: new AuditLog(dataDir),
    identity: { id: 'agent-test', name: 'test', site: 'lab', fingerprint: 'AA:BB', version: '0.0.0-test' },
    ...options.management,
  });
  const identity = options.identity ?? makeIdentity();
  const agent: TestAgent = {
    dataDir,
    engine,
    configStore,
    certStore,
    management,
    health,
    identity,
    token: TEST_TOKEN,
    url: '',
    server: undefined as unknown as ManagementServer,
    connect: (opts = {}) => {
      const token = opts.token === undefined ? agent.token : opts.token;
      return TestClient.open(agent.url, {
        ca: identity.cert,
        headers: { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...opts.headers },
      });
    },
    close: async () => {
      await agent.server.close();
      management.close();
      await engine.stop(100);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  agent.server = await startManagementServer({
    host: '127.0.0.1',
    port: 0,
    tls: identity,
    token: () => agent.token,
    management,
    log,
    ...options.server,
  });
  agent.url = `wss://127.0.0.1:${agent.server.port}/v1`;
  return agent;
}

/** Why a connection attempt failed: the HTTP status of the refusal, or the socket error. */
export async function refusal(
  url: string,
  opts: ClientOptions,
): Promise<{ status?: number; headers?: Record<string, unknown>; error?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, opts);
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => resolve({ error: err.message }));
    ws.on('open', () => {
      resolve({ error: 'unexpectedly opened' });
      ws.close();
    });
  });
}

type Response = ResultResponse | ErrorResponse;

/** A JSON-RPC client over `ws`: calls by id, raw frames answered in order, events collected. */
export class TestClient {
  readonly ws: WebSocket;
  readonly events: EventNotification['params'][] = [];
  private nextId = 1;
  private readonly pending = new Map<number | string, (r: Response) => void>();
  private readonly unmatched: ((r: Response) => void)[] = [];
  private readonly eventWaiters = new Set<() => void>();
  private readonly closedWith: Promise<number>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closedWith = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as Response | EventNotification;
      if ('method' in message) {
        this.events.push(message.params);
        for (const wake of [...this.eventWaiters]) wake();
        return;
      }
      const resolve = message.id !== null ? this.pending.get(message.id) : undefined;
      if (resolve && message.id !== null) {
        this.pending.delete(message.id);
        resolve(message);
      } else this.unmatched.shift()?.(message);
    });
  }

  static open(url: string, opts: ClientOptions): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, opts);
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
    });
  }

  /** Calls a method; resolves with the whole response (result or error). */
  call<M extends MethodName>(method: M, params?: ParamsInput<M>): Promise<Response> {
    const id = this.nextId++;
    const answered = new Promise<Response>((resolve) => this.pending.set(id, resolve));
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    return answered;
  }

  /** Calls and returns the result; throws with the error message otherwise. */
  async result<M extends MethodName>(method: M, params?: ParamsInput<M>): Promise<Record<string, unknown>> {
    const response = await this.call(method, params);
    if ('error' in response) throw new Error(`${method}: ${response.error.code} ${response.error.message}`);
    return response.result as Record<string, unknown>;
  }

  /** Sends a frame as is and resolves with the next response that no call is waiting for. */
  raw(frame: string | Buffer, binary = false): Promise<Response> {
    const answered = new Promise<Response>((resolve) => this.unmatched.push(resolve));
    this.ws.send(frame, { binary });
    return answered;
  }

  async waitForEvent(
    match: (e: EventNotification['params']) => boolean,
    ms = 5_000,
  ): Promise<EventNotification['params']> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = end - Date.now();
      if (left <= 0) throw new Error('timed out waiting for an event');
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.eventWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.eventWaiters.add(wake);
      });
    }
  }

  /** Resolves with the close code once the agent (or we) closed the socket. */
  closed(): Promise<number> {
    return this.closedWith;
  }

  close(): void {
    this.ws.close();
  }
}
