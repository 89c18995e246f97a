/**
 * One authenticated WebSocket: every frame is parsed where it enters (parseFrameOnAgent), answered
 * without closing the session when it is wrong, and run through the dispatcher when it is
 * right. Limits per session: requests in flight (BUSY beyond) and unread event bytes (a
 * client that stops reading is cut off rather than growing the agent's memory).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import { CLOSE_CODES, ERROR_CODES } from '../../shared/protocol/codes.ts';
import { errorResponse, type ErrorResponse, type ResultResponse } from '../../shared/protocol/envelopes.ts';
import { TOPICS, type Topic } from '../../shared/protocol/events.ts';
import { binaryFrameError, parseFrameOnAgent } from '../../shared/protocol/parse-frame-on-agent.ts';
import type { Actor } from '../config/audit-log.ts';
import { dispatch } from './dispatch.ts';
import type { CallContext, Handlers } from './handlers.ts';
import type { EventSink, TopicHub } from './topic-hub.ts';

export interface SessionDeps {
  handlers: Handlers;
  hub: TopicHub;
  log: Logger;
  maxInFlight: number;
  maxBufferedBytes: number;
  /** SHA-256 of the token valid now (it changes when the token is rotated). */
  currentTokenHash(): Buffer;
}

export class Session implements EventSink {
  readonly ws: WebSocket;
  readonly actor: Actor;
  /** SHA-256 of the token this session authenticated with. */
  readonly tokenHash: Buffer;
  /** Cleared by each heartbeat ping, set again by the pong. */
  alive = true;
  private inFlight = 0;
  private readonly topics = new Set<Topic>();
  private readonly deps: SessionDeps;
  private readonly ctx: CallContext;

  constructor(ws: WebSocket, actor: Actor, tokenHash: Buffer, deps: SessionDeps) {
    this.ws = ws;
    this.actor = actor;
    this.tokenHash = tokenHash;
    this.deps = deps;
    this.ctx = {
      actor,
      events: {
        subscribe: (topics) => this.subscribe(topics),
        unsubscribe: (topics) => this.unsubscribe(topics),
      },
    };
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    // ws reports protocol violations (oversize frame → 1009, bad UTF-8 → 1007) here and closes
    // the socket itself; without a listener they would be thrown as uncaught errors.
    ws.on('error', (err) =>
      deps.log.info({ peer: actor.peer, err: err.message }, 'management session error'),
    );
  }

  /** Token still current: compared like the upgrade does, in constant time. */
  tokenIsCurrent(): boolean {
    return timingSafeEqual(this.tokenHash, this.deps.currentTokenHash());
  }

  sendEvent(frame: string): void {
    this.write(frame);
  }

  /** Leaves every topic; called when the socket closes. */
  dispose(): void {
    for (const topic of this.topics) this.deps.hub.remove(topic, this);
    this.topics.clear();
  }

  private subscribe(topics: readonly Topic[]): Topic[] {
    for (const topic of topics) {
      if (this.topics.has(topic)) continue;
      this.topics.add(topic);
      this.deps.hub.add(topic, this);
    }
    return this.subscribed();
  }

  private unsubscribe(topics: readonly Topic[] | undefined): Topic[] {
    for (const topic of topics ?? [...this.topics]) {
      if (!this.topics.delete(topic)) continue;
      this.deps.hub.remove(topic, this);
    }
    return this.subscribed();
  }

  private subscribed(): Topic[] {
    return TOPICS.filter((t) => this.topics.has(t));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.send(binaryFrameError());
      return;
    }
    const parsed = parseFrameOnAgent(toBuffer(data).toString('utf8'));
    if (!parsed.ok) {
      this.send(parsed.error);
      return;
    }
    const { id } = parsed.request;
    if (!this.tokenIsCurrent()) {
      this.send(
        errorResponse(id, ERROR_CODES.UNAUTHORIZED, 'the token of this session was rotated: reconnect'),
      );
      this.ws.close(CLOSE_CODES.TOKEN_ROTATED, 'token rotated');
      return;
    }
    if (this.inFlight >= this.deps.maxInFlight) {
      this.send(
        errorResponse(
          id,
          ERROR_CODES.BUSY,
          `more than ${this.deps.maxInFlight} requests in flight: wait for answers`,
          {
            maxInFlight: this.deps.maxInFlight,
          },
        ),
      );
      return;
    }
    this.inFlight++;
    void dispatch(parsed.request, this.deps.handlers, this.ctx, this.deps.log).then((response) => {
      this.inFlight--;
      this.send(response);
    });
  }

  private send(message: ResultResponse | ErrorResponse): void {
    let text: string;
    try {
      text = JSON.stringify(message);
    } catch (err) {
      // A result zod let through (z.unknown fields) may still not serialise (a cycle, a BigInt).
      this.deps.log.error({ err, peer: this.actor.peer }, 'management API: a response cannot be serialised');
      text = JSON.stringify(
        errorResponse('id' in message ? message.id : null, ERROR_CODES.INTERNAL_ERROR, 'internal error'),
      );
    }
    this.write(text);
  }

  /**
   * Everything the agent sends goes through here: a peer that stops reading (events, or
   * answers to requests it keeps sending) is cut off once its unsent bytes pass the limit.
   */
  private write(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.deps.maxBufferedBytes) {
      this.deps.log.warn(
        { peer: this.actor.peer, buffered: this.ws.bufferedAmount },
        'management session does not read what it is sent; closing it',
      );
      this.ws.close(CLOSE_CODES.TOO_SLOW, 'not reading');
      // A peer that does not read will not finish a close handshake either.
      this.ws.terminate();
      return;
    }
    this.ws.send(text);
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
