/**
 * AgentClient against real agents (agent/mgmt/testing.ts: a real agent core behind the real
 * wss server on 127.0.0.1) and, for what a healthy agent never does (stop answering pings,
 * answer garbage), against a bare wss server with the same kind of identity.
 */
import { X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  makeIdentity,
  startTestAgent,
  TEST_TOKEN,
  type Identity,
  type TestAgent,
} from '../support/mgmt-agent.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/agent.ts';
import type { Topic } from '../../shared/protocol/events.ts';
import { until } from '../support/engine.ts';
import { AgentClient, type ClientTuning } from '../../src-main/fleet/agent-client.ts';
import type { AgentState } from '../../src-main/fleet/agent-state.ts';
import { RequestError } from '../../src-main/fleet/rpc-errors.ts';
import type { AgentEvent } from '../../src-main/fleet/rpc-session.ts';

const fast: Partial<ClientTuning> = {
  connectTimeoutMs: 3_000,
  requestTimeoutMs: 3_000,
  backoff: { baseMs: 20, maxMs: 200, factor: 2, jitter: 0.5 },
};
const fingerprintOf = (id: Identity) => new X509Certificate(id.cert).fingerprint256;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function agentOn(opts: { identity?: Identity; port?: number } = {}): Promise<TestAgent> {
  const agent = await startTestAgent({
    ...(opts.identity ? { identity: opts.identity } : {}),
    server: { ...(opts.port ? { port: opts.port } : {}) },
  });
  let closed = false;
  const close = agent.close;
  agent.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  cleanups.push(() => agent.close());
  return agent;
}

function clientFor(
  target: { port: number; fingerprint: string },
  opts: {
    token?: string;
    topics?: Topic[];
    optionalTopics?: Topic[];
    tuning?: Partial<ClientTuning>;
  } = {},
) {
  const states: AgentState[] = [];
  const events: AgentEvent[] = [];
  const problems: string[] = [];
  const client = new AgentClient({
    endpoint: { address: '127.0.0.1', port: target.port, fingerprint: target.fingerprint },
    token: () => opts.token ?? TEST_TOKEN,
    topics: opts.topics ?? ['health'],
    ...(opts.optionalTopics ? { optionalTopics: opts.optionalTopics } : {}),
    tuning: { ...fast, ...opts.tuning },
    onProblem: (m) => problems.push(m),
  });
  client.onState((s) => states.push(s));
  client.onEvent((e) => events.push(e));
  cleanups.push(() => client.stop());
  return { client, states, events, problems };
}

const health = (key: string, state: 'up' | 'down') => ({
  key,
  pool: key.split('/')[0]!,
  server: key.split('/')[1]!,
  state,
  since: new Date().toISOString(),
});

describe('AgentClient', () => {
  it('connects pinned, subscribes, calls with validated results and delivers events', async () => {
    const agent = await agentOn();
    const { client, states, events } = clientFor({
      port: agent.server.port,
      fingerprint: fingerprintOf(agent.identity),
    });
    client.start();
    await client.whenOnline(5_000);
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'online']);

    const info = await client.request('agent.info');
    expect(info).toMatchObject({ id: 'agent-test', site: 'lab', protocolVersion: PROTOCOL_VERSION });
    const config = await client.request('config.get');
    expect(config.config).toMatchObject({ version: 2, pools: [], virtualServices: [] });

    // Subscribed before 'online': the first event after it is not lost.
    agent.health.publish(health('web/rs1', 'down'));
    await until(() => events.length > 0, 'a health event');
    expect(events[0]).toMatchObject({ topic: 'health', data: { key: 'web/rs1', state: 'down' } });

    // Agent errors come back as RpcError with the protocol's code, the agent's words as the
    // message and the method beside it (never in front: an admin reads the message).
    const refused = await client.request('virtualService.remove', { name: 'nope' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      name: 'RpcError',
      codeName: 'NOT_FOUND',
      method: 'virtualService.remove',
    });
    expect((refused as Error).message).not.toMatch(/virtualService\.remove/);
    expect((refused as Error).message).toMatch(/nope/);
    await client.stop();
    expect(client.state.kind).toBe('stopped');
    await expect(client.request('agent.info')).rejects.toBeInstanceOf(RequestError);
    await expect(client.request('agent.info')).rejects.toMatchObject({
      kind: 'not-connected',
      message: 'the Console is not connected to the agent',
    });
  });

  it('an optional topic the agent refuses costs only that topic: online, health events still flow', async () => {
    const agent = await agentOn();
    // A topic this agent does not know, refused as an agent older than ACME refuses `cert`.
    const { client, events, problems } = clientFor(
      { port: agent.server.port, fingerprint: fingerprintOf(agent.identity) },
      { topics: ['health'], optionalTopics: ['from-the-future' as Topic, 'config'] },
    );
    client.start();
    await client.whenOnline(5_000);
    expect(problems).toEqual([expect.stringMatching(/does not send "from-the-future" events/)]);
    const { topics } = await client.request('events.subscribe', { topics: ['health'] });
    expect([...topics].sort()).toEqual(['config', 'health']);
    agent.health.publish(health('web/rs1', 'down'));
    await until(() => events.some((e) => e.topic === 'health'), 'a health event');
    expect(client.state.kind).toBe('online');
  });

  it('stops at auth-failed on a refused token instead of hammering the agent', async () => {
    const agent = await agentOn();
    const { client, states } = clientFor(
      { port: agent.server.port, fingerprint: fingerprintOf(agent.identity) },
      { token: 'wrong-token-wrong-token-wrong-token' },
    );
    client.start();
    await until(() => client.state.kind === 'auth-failed', 'auth-failed');
    expect(client.state).toMatchObject({ kind: 'auth-failed', reason: expect.stringContaining('401') });
    // Backoff here is 20–200 ms: a retrying client would have tried many times by now.
    await new Promise((r) => setTimeout(r, 600));
    expect(agent.server.counters().refused).toEqual({ 401: 1 });
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'auth-failed']);
  });

  it('refuses a peer with another certificate before the token leaves: nothing reaches the agent', async () => {
    const original = makeIdentity();
    const first = await agentOn({ identity: original });
    const port = first.server.port;
    await first.close();
    // "Reinstalled", or an impostor: another identity on the same address and port.
    const impostor = await agentOn({ identity: makeIdentity(), port });

    const { client, states } = clientFor({ port, fingerprint: fingerprintOf(original) });
    client.start();
    await until(() => client.state.kind === 'fingerprint-mismatch', 'fingerprint-mismatch');
    const state = client.state as Extract<AgentState, { kind: 'fingerprint-mismatch' }>;
    expect(state.expected).toBe(fingerprintOf(original));
    expect(state.actual).toBe(fingerprintOf(impostor.identity));
    expect(state.message).toContain(state.expected);
    expect(state.message).toContain(state.actual);
    expect(state.message).toContain('token was not sent');

    await new Promise((r) => setTimeout(r, 400));
    // No upgrade request ever arrived: no session, and no refusal (which any request would get).
    expect(impostor.server.counters()).toMatchObject({ sessionsOpened: 0, refused: {} });
    expect(states.map((s) => s.kind)).toEqual(['connecting', 'fingerprint-mismatch']);
  });

  it('sends not one byte of application data to a TLS peer with another certificate', async () => {
    const identity = makeIdentity();
    const received: Buffer[] = [];
    const server = createTlsServer({ key: identity.key, cert: identity.cert }, (socket) => {
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;

    const wrongPin = clientFor({ port, fingerprint: fingerprintOf(makeIdentity()) });
    wrongPin.client.start();
    await until(() => wrongPin.client.state.kind === 'fingerprint-mismatch', 'fingerprint-mismatch');
    // It did complete a handshake with this server: it saw its certificate.
    expect(wrongPin.client.state).toMatchObject({ actual: fingerprintOf(identity) });
    await new Promise((r) => setTimeout(r, 300));
    expect(Buffer.concat(received).length).toBe(0);

    // The control: pinned right, the same capture does see the upgrade request and its token.
    const rightPin = clientFor({ port, fingerprint: fingerprintOf(identity) });
    rightPin.client.start();
    await until(() => Buffer.concat(received).includes(`Bearer ${TEST_TOKEN}`), 'the upgrade request');
    expect(Buffer.concat(received).toString()).toMatch(/^GET \/v1 HTTP\/1.1/);
  });

  it('goes offline when the agent stops and back online when it returns; events resume', async () => {
    const identity = makeIdentity();
    const first = await agentOn({ identity });
    const port = first.server.port;
    const { client, states, events } = clientFor({ port, fingerprint: fingerprintOf(identity) });
    client.start();
    await client.whenOnline(5_000);

    await first.close();
    await until(() => client.state.kind === 'offline', 'offline');
    const offline = states.find((s) => s.kind === 'offline') as Extract<AgentState, { kind: 'offline' }>;
    expect(offline.reason).toBe('the agent is stopping');
    await expect(client.request('agent.info')).rejects.toMatchObject({ kind: 'not-connected' });
    // Let it fail a few attempts against the closed port: `since` stays when it went offline.
    await until(() => (client.state as { attempts?: number }).attempts! >= 3, 'a few failed retries');
    expect((client.state as { since: string }).since).toBe(offline.since);

    const second = await agentOn({ identity, port });
    await client.whenOnline(5_000);
    const kinds = states.map((s) => s.kind);
    expect(kinds.slice(0, 3)).toEqual(['connecting', 'online', 'offline']);
    expect(kinds.at(-1)).toBe('online');
    // Resubscribed on the new session.
    second.health.publish(health('web/rs2', 'up'));
    await until(
      () => events.some((e) => e.topic === 'health' && e.data.key === 'web/rs2'),
      'event after reconnect',
    );
  });

  it('drops a connection whose peer stops answering pings, and times out unanswered requests', async () => {
    const silent = await bareServer({ autoPong: false, answer: 'never' });
    const { client, states, problems } = clientFor(
      { port: silent.port, fingerprint: silent.fingerprint },
      { topics: [], tuning: { heartbeatMs: 100, requestTimeoutMs: 150 } },
    );
    client.start();
    await client.whenOnline(5_000);
    await expect(client.request('agent.info')).rejects.toMatchObject({
      kind: 'timeout',
      method: 'agent.info',
      message: 'the agent did not answer within 0.2 s; it may still have done it',
    });
    await until(() => states.some((s) => s.kind === 'offline'), 'offline after missed pongs', 3_000);
    expect(problems.some((p) => p.includes('no answer to a ping'))).toBe(true);
    // …and it reconnects: the server still accepts connections.
    await until(() => states.filter((s) => s.kind === 'online').length >= 2, 'reconnected', 3_000);
  });

  it('rejects an answer that does not match the method schema', async () => {
    const liar = await bareServer({ autoPong: true, answer: 'garbage' });
    const { client } = clientFor({ port: liar.port, fingerprint: liar.fingerprint }, { topics: [] });
    client.start();
    await client.whenOnline(5_000);
    // Said for an admin; the method stays beside the message, for logs.
    await expect(client.request('agent.info')).rejects.toMatchObject({
      kind: 'invalid-result',
      method: 'agent.info',
      message: expect.stringMatching(/^the agent's answer is not what this Console expects \(/),
    });
  });
});

/** A wss server that accepts any token and never behaves like an agent. */
async function bareServer(opts: { autoPong: boolean; answer: 'never' | 'garbage' }) {
  const identity = makeIdentity();
  const https: Server = createHttpsServer({ key: identity.key, cert: identity.cert });
  const wss = new WebSocketServer({ server: https, autoPong: opts.autoPong });
  wss.on('connection', (ws) => {
    ws.on('message', (data: Buffer) => {
      if (opts.answer === 'never') return;
      const { id } = JSON.parse(data.toString()) as { id: number };
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, result: { id: 42 } }));
    });
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    https.closeAllConnections();
    await new Promise<void>((resolve) => https.close(() => resolve()));
  });
  return { port: (https.address() as AddressInfo).port, fingerprint: fingerprintOf(identity) };
}
