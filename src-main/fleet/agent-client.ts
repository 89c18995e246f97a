/**
 * One agent, one connection, kept up: pinned TLS + token (open-socket.ts), JSON-RPC with
 * timeouts and a heartbeat (rpc-session.ts), event subscription on every connect, and
 * reconnection with capped, jittered backoff. auth-failed and fingerprint-mismatch stop the
 * retries: repeating a refused token only trips the agent's throttle, and a changed identity
 * needs the admin's decision, never a silent retry.
 */
import type { Topic } from '../../shared/protocol/events.ts';
import type { MethodName, ParamsInput, ResultOf } from '../../shared/protocol/methods.ts';
import { CLOSE_CODES } from '../../shared/protocol/codes.ts';
import { CONSOLE_HEARTBEAT_MS, MAX_ANSWER_FRAME_BYTES } from '../../shared/protocol/transport.ts';
import { mismatchMessage, notConnected, type AgentState } from './agent-state.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { ConnectError, openAgentSocket } from './open-socket.ts';
import { RequestError } from './rpc-errors.ts';
import { RpcSession, type AgentEvent } from './rpc-session.ts';

export interface AgentEndpoint {
  address: string;
  port: number;
  /** The pinned certificate fingerprint. */
  fingerprint: string;
}

export interface ClientTuning {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Ping interval; a connection silent for two of them is dropped and reconnected. */
  heartbeatMs: number;
  /** Largest frame accepted from an agent (a big config.get or cert.list). */
  maxPayloadBytes: number;
  backoff: BackoffOptions;
}

export const DEFAULT_TUNING: ClientTuning = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  heartbeatMs: CONSOLE_HEARTBEAT_MS,
  maxPayloadBytes: MAX_ANSWER_FRAME_BYTES,
  backoff: DEFAULT_BACKOFF,
};

export interface AgentClientOptions {
  endpoint: AgentEndpoint;
  /** Read at every attempt (a stored token is decrypted only when needed); may throw. */
  token: () => string;
  /** Subscribed on every connection before the client reports online. */
  topics?: readonly Topic[];
  /**
   * Topics an older agent may not know (`cert` came with ACME): each subscribed in a call of its
   * own after `topics`, also before online. An agent refuses a whole events.subscribe that names
   * a topic it does not know, so one call for all would cost its health events too; refused
   * alone, only that topic is missing (said once through onProblem) and the agent stays online.
   */
  optionalTopics?: readonly Topic[];
  tuning?: Partial<ClientTuning>;
  random?: () => number;
  now?: () => Date;
  onProblem?: (message: string) => void;
}

type Listener<T> = (value: T) => void;

export class AgentClient {
  private readonly opts: AgentClientOptions;
  private readonly tuning: ClientTuning;
  private readonly eventListeners = new Set<Listener<AgentEvent>>();
  private readonly stateListeners = new Set<Listener<AgentState>>();
  private endpointNow: AgentEndpoint;
  private current: AgentState;
  private session: RpcSession | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Aborts the connection attempt in progress, if any. */
  private attemptAbort: AbortController | undefined;
  private attempts = 0;
  /** Bumped by start/stop/retryNow: an attempt that finishes under an older one is discarded. */
  private generation = 0;
  private stopped = true;

  constructor(opts: AgentClientOptions) {
    this.opts = opts;
    this.tuning = { ...DEFAULT_TUNING, ...opts.tuning };
    this.endpointNow = { ...opts.endpoint };
    this.current = { kind: 'stopped', since: this.nowIso() };
  }

  get state(): AgentState {
    return this.current;
  }

  get endpoint(): AgentEndpoint {
    return { ...this.endpointNow };
  }

  /** Starts connecting (no-op when already running). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connectFresh();
  }

  /**
   * Connects again now: after the admin fixed the token or accepted a new fingerprint, or to
   * skip the rest of a backoff wait. A new endpoint (re-pair) replaces the old one first.
   */
  retryNow(endpoint?: AgentEndpoint): void {
    if (endpoint) this.endpointNow = { ...endpoint };
    this.stopped = false;
    this.attemptAbort?.abort();
    this.session?.terminate();
    this.session = undefined;
    this.connectFresh();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.attemptAbort?.abort();
    const session = this.session;
    this.session = undefined;
    this.setState({ kind: 'stopped', since: this.nowIso() });
    if (session && !session.closed) {
      session.close();
      await session.whenClosed;
    }
  }

  /** Calls a method on the agent; the result is checked against the method's schema. */
  request<M extends MethodName>(
    method: M,
    params?: ParamsInput<M>,
    opts?: { timeoutMs?: number },
  ): Promise<ResultOf<M>> {
    if (this.current.kind !== 'online' || !this.session) {
      return Promise.reject(new RequestError('not-connected', notConnected(this.current), method));
    }
    return this.session.request(method, params, opts);
  }

  onEvent(listener: Listener<AgentEvent>): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onState(listener: Listener<AgentState>): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Resolves once online; rejects on a state that will not get there by itself, or timeout. */
  whenOnline(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (s: AgentState): boolean => {
        if (s.kind === 'online') resolve();
        else if (s.kind === 'auth-failed' || s.kind === 'fingerprint-mismatch' || s.kind === 'stopped')
          reject(new Error(`agent is ${s.kind}${'reason' in s ? `: ${s.reason}` : ''}`));
        else return false;
        return true;
      };
      if (check(this.current)) return;
      const timer = setTimeout(() => {
        off();
        reject(new Error(`agent not online within ${timeoutMs} ms (${this.current.kind})`));
      }, timeoutMs);
      const off = this.onState((s) => {
        if (!check(s)) return;
        clearTimeout(timer);
        off();
      });
    });
  }

  private connectFresh(): void {
    clearTimeout(this.retryTimer);
    this.attempts = 0;
    this.setState({ kind: 'connecting', since: this.nowIso() });
    void this.attempt();
  }

  private async attempt(): Promise<void> {
    const generation = ++this.generation;
    const endpoint = this.endpointNow;
    let token: string;
    try {
      token = this.opts.token();
    } catch (err) {
      this.setState({
        kind: 'auth-failed',
        since: this.nowIso(),
        reason: `the stored token cannot be read (${(err as Error).message}); pair the agent again`,
      });
      return;
    }
    let ws;
    const abort = (this.attemptAbort = new AbortController());
    try {
      ws = await openAgentSocket({
        ...endpoint,
        token,
        timeoutMs: this.tuning.connectTimeoutMs,
        maxPayloadBytes: this.tuning.maxPayloadBytes,
        signal: abort.signal,
      });
    } catch (err) {
      if (generation === this.generation) this.onConnectFailed(err, endpoint);
      return;
    } finally {
      if (this.attemptAbort === abort) this.attemptAbort = undefined;
    }
    if (generation !== this.generation) {
      ws.terminate();
      return;
    }
    const session: RpcSession = new RpcSession(ws, {
      requestTimeoutMs: this.tuning.requestTimeoutMs,
      heartbeatMs: this.tuning.heartbeatMs,
      onEvent: (event) => this.emit(this.eventListeners, event),
      onClose: (info) => this.onSessionClosed(session, info),
      onProblem: (message) => this.opts.onProblem?.(message),
    });
    this.session = session;
    try {
      // Subscribe before reporting online: whoever reacts to 'online' with a snapshot must not
      // miss a change made between the snapshot and the subscription.
      if (this.opts.topics?.length)
        await session.request('events.subscribe', { topics: [...this.opts.topics] });
    } catch (err) {
      this.opts.onProblem?.(`events.subscribe failed: ${(err as Error).message}`);
      session.terminate();
      return;
    }
    for (const topic of this.opts.optionalTopics ?? []) {
      try {
        await session.request('events.subscribe', { topics: [topic] });
      } catch (err) {
        // Refused (an agent older than the topic): the session stays; a lost session shows below.
        if (session.closed) return;
        this.opts.onProblem?.(
          `the agent does not send "${topic}" events (older than this Console?): ${(err as Error).message}`,
        );
      }
    }
    if (generation !== this.generation || session.closed) return;
    this.attempts = 0;
    this.setState({ kind: 'online', since: this.nowIso() });
  }

  private onConnectFailed(err: unknown, endpoint: AgentEndpoint): void {
    const since = this.nowIso();
    if (!(err instanceof ConnectError)) {
      this.goOffline((err as Error).message);
      return;
    }
    const failure = err.failure;
    if (failure.kind === 'fingerprint-mismatch') {
      const where = `${endpoint.address}:${endpoint.port}`;
      this.setState({
        kind: 'fingerprint-mismatch',
        since,
        expected: failure.expected,
        actual: failure.actual,
        message: mismatchMessage(where, failure.expected, failure.actual),
      });
    } else if (failure.kind === 'unauthorized') {
      this.setState({ kind: 'auth-failed', since, reason: err.message });
    } else if (failure.kind === 'throttled') {
      this.goOffline(err.message, failure.retryAfterMs);
    } else this.goOffline(err.message);
  }

  private onSessionClosed(session: RpcSession, info: { code: number; reason: string }): void {
    if (session !== this.session) return;
    this.session = undefined;
    if (this.stopped) return;
    const why =
      info.code === CLOSE_CODES.TOKEN_ROTATED
        ? 'the agent closed the session: its token was rotated'
        : info.code === CLOSE_CODES.GOING_AWAY
          ? 'the agent is stopping'
          : `connection lost (close code ${info.code}${info.reason ? `, ${info.reason}` : ''})`;
    this.goOffline(why);
  }

  private goOffline(reason: string, atLeastMs = 0): void {
    if (this.stopped) return;
    const since = this.current.kind === 'offline' ? this.current.since : this.nowIso();
    const delay = Math.max(atLeastMs, backoffDelay(this.attempts, this.tuning.backoff, this.opts.random));
    this.attempts++;
    const nextAttemptAt = new Date(this.now().getTime() + delay).toISOString();
    this.setState({ kind: 'offline', since, reason, attempts: this.attempts, nextAttemptAt });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.attempt(), delay);
    this.retryTimer.unref();
  }

  private setState(state: AgentState): void {
    this.current = state;
    this.emit(this.stateListeners, state);
  }

  private emit<T>(listeners: Set<Listener<T>>, value: T): void {
    for (const listener of [...listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.opts.onProblem?.(`listener failed: ${(err as Error).message}`);
      }
    }
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  private nowIso(): string {
    return this.now().toISOString();
  }
}
