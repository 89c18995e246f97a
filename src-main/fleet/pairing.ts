/**
 * Pairing: trust on first use, made explicit. The certificate fingerprint is read first, over
 * TLS alone, and compared with every fingerprint the admin already has (the agent's mDNS TXT
 * record, or one they typed or confirmed). Only a connection pinned to that fingerprint then
 * carries the token, asks `agent.info` and, if all is well, the agent is stored with its pin.
 *
 * Re-pairing (repairAgent) is the deliberate way to accept a changed identity: the admin names
 * the new fingerprint, the connection is pinned to exactly that, and the agent must still be
 * the same agent (same id) — a different one is paired as new, not slipped into the old entry.
 */
import type { AgentInfo } from '../../shared/protocol/agent.ts';
import type { DiscoveredAgent } from './mdns-browser.ts';
import type { ConsoleStore, KnownAgent } from '../store/console-store.ts';
import { isFingerprint, normalizeFingerprint } from '../../shared/protocol/fingerprint.ts';
import { MAX_ANSWER_FRAME_BYTES } from '../../shared/protocol/transport.ts';
import { ConnectError, openAgentSocket } from './open-socket.ts';
import { probeFingerprint } from './pinned-tls.ts';
import { RpcSession } from './rpc-session.ts';

export type PairingErrorCode =
  /** No TLS connection (nothing listens, wrong port, timeout). */
  | 'UNREACHABLE'
  /** The presented certificate is not the expected one; the token was not sent. */
  | 'FINGERPRINT_MISMATCH'
  /** The agent refused the token. */
  | 'UNAUTHORIZED'
  /** This agent is already paired with another fingerprint: use re-pair to accept the new one. */
  | 'PIN_CONFLICT'
  /** Re-pair reached a different agent (another id) than the one being re-paired. */
  | 'AGENT_CHANGED'
  /** A fingerprint the admin gave is not a SHA-256 fingerprint, or the agent is unknown. */
  | 'BAD_REQUEST';

export class PairingError extends Error {
  readonly code: PairingErrorCode;
  constructor(code: PairingErrorCode, message: string) {
    super(message);
    this.name = 'PairingError';
    this.code = code;
  }
}

export interface PairRequest {
  address: string;
  port: number;
  token: string;
  /** The fingerprint in the agent's TXT record, when paired from discovery. */
  advertisedFingerprint?: string;
  /** A fingerprint the admin confirmed (read off the agent's console, or accepted from a probe). */
  expectedFingerprint?: string;
}

export interface PairResult {
  agent: KnownAgent;
  info: AgentInfo;
  /** The pinned fingerprint, to show the admin. */
  fingerprint: string;
  /** True when the agent was already paired (same pin) and its entry was refreshed. */
  refreshed: boolean;
}

export interface PairingDeps {
  store: ConsoleStore;
  timeoutMs?: number;
}

/** Where to reach a discovered agent, with the fingerprint it advertised. */
export function pairTargetFrom(agent: DiscoveredAgent): Omit<PairRequest, 'token'> {
  // IPv4 first: link-local IPv6 addresses need a zone the TXT and A/AAAA records do not carry.
  const address = agent.addresses.find((a) => !a.includes(':')) ?? agent.addresses[0] ?? agent.host;
  return { address, port: agent.port, advertisedFingerprint: agent.txt.fingerprint };
}

/** Reads the fingerprint at an address without sending anything (to show before pairing). */
export async function fetchFingerprint(address: string, port: number, timeoutMs = 10_000): Promise<string> {
  try {
    return await probeFingerprint({ address, port, timeoutMs });
  } catch (err) {
    throw new PairingError('UNREACHABLE', `${address}:${port}: ${(err as Error).message}`);
  }
}

export async function pairAgent(req: PairRequest, deps: PairingDeps): Promise<PairResult> {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const where = `${req.address}:${req.port}`;
  const expectations: [string, string | undefined][] = [
    ['its mDNS announcement advertises', req.advertisedFingerprint],
    ['you expected', req.expectedFingerprint],
  ];
  const expected = expectations
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([what, text]) => [what, checkedFingerprint(text)] as const);

  const fingerprint = await fetchFingerprint(req.address, req.port, timeoutMs);
  for (const [what, value] of expected) {
    if (value !== fingerprint) {
      throw new PairingError(
        'FINGERPRINT_MISMATCH',
        `Refusing to pair with ${where}: it presents certificate ${fingerprint}, but ${what} ${value}. ` +
          'Something other than that agent may be answering at this address. The token was not sent.',
      );
    }
  }

  const info = await agentInfo(
    { address: req.address, port: req.port, fingerprint, token: req.token },
    timeoutMs,
  );
  checkSelfReported(where, info, fingerprint);
  const existing = deps.store.getAgent(info.id);
  if (existing && existing.fingerprint !== fingerprint) {
    throw new PairingError(
      'PIN_CONFLICT',
      `Agent "${info.name}" (${info.id}) is already paired with certificate ${existing.fingerprint} and now ` +
        `presents ${fingerprint}. Re-pair it to accept the new certificate deliberately.`,
    );
  }
  const agent = deps.store.saveAgent({
    id: info.id,
    name: info.name,
    site: info.site,
    address: req.address,
    port: req.port,
    fingerprint,
    token: req.token,
  });
  return { agent, info, fingerprint, refreshed: existing !== undefined };
}

export interface RepairRequest {
  /** The new fingerprint the admin accepts (from the mismatch warning, checked against the agent). */
  acceptFingerprint: string;
  /** A new token, when the agent's was rotated too; default: the stored one. */
  token?: string;
}

/** Accepts a changed certificate for an agent that is already paired. */
export async function repairAgent(
  agentId: string,
  req: RepairRequest,
  deps: PairingDeps,
): Promise<KnownAgent> {
  const known = deps.store.getAgent(agentId);
  if (!known) throw new PairingError('BAD_REQUEST', `no paired agent ${agentId}`);
  const fingerprint = checkedFingerprint(req.acceptFingerprint);
  const token = req.token ?? deps.store.tokenOf(agentId);
  const info = await agentInfo(
    { address: known.address, port: known.port, fingerprint, token },
    deps.timeoutMs ?? 10_000,
  );
  checkSelfReported(`${known.address}:${known.port}`, info, fingerprint);
  if (info.id !== agentId) {
    throw new PairingError(
      'AGENT_CHANGED',
      `${known.address}:${known.port} is now agent "${info.name}" (${info.id}), not "${known.name}" (${agentId}). ` +
        'Pair it as a new agent and remove the old entry if it is gone.',
    );
  }
  if (req.token !== undefined) deps.store.setToken(agentId, req.token);
  return deps.store.updateAgent(agentId, { fingerprint, name: info.name, site: info.site });
}

/**
 * The agent names its own fingerprint in agent.info. If the connection presented another one,
 * something between us terminates TLS (an intercepting proxy, or an attacker on first contact):
 * do not pin it. Only compared when the agent reports a well-formed fingerprint.
 */
function checkSelfReported(where: string, info: AgentInfo, presented: string): void {
  if (!isFingerprint(info.fingerprint) || info.fingerprint === presented) return;
  throw new PairingError(
    'FINGERPRINT_MISMATCH',
    `Refusing to pair with ${where}: the connection presented certificate ${presented}, but the agent ` +
      `reports its own as ${info.fingerprint}. Something between the Console and the agent terminates TLS. ` +
      'The token went to that intermediary: rotate it on the agent (portico-agent token rotate).',
  );
}

function checkedFingerprint(text: string): string {
  const fingerprint = normalizeFingerprint(text);
  if (!fingerprint) throw new PairingError('BAD_REQUEST', `"${text}" is not a SHA-256 fingerprint`);
  return fingerprint;
}

/** One pinned connection: `agent.info`, then close. */
async function agentInfo(
  target: { address: string; port: number; fingerprint: string; token: string },
  timeoutMs: number,
): Promise<AgentInfo> {
  const where = `${target.address}:${target.port}`;
  let ws;
  try {
    ws = await openAgentSocket({ ...target, timeoutMs, maxPayloadBytes: MAX_ANSWER_FRAME_BYTES });
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    const f = err.failure;
    if (f.kind === 'fingerprint-mismatch') {
      throw new PairingError(
        'FINGERPRINT_MISMATCH',
        `Refusing ${where}: it presents certificate ${f.actual}, not ${f.expected}. The token was not sent.`,
      );
    }
    if (f.kind === 'unauthorized') throw new PairingError('UNAUTHORIZED', `${where} refused the token`);
    throw new PairingError('UNREACHABLE', err.message);
  }
  const session = new RpcSession(ws, {
    requestTimeoutMs: timeoutMs,
    heartbeatMs: timeoutMs,
    onEvent: () => {},
    onClose: () => {},
  });
  try {
    return await session.request('agent.info');
  } finally {
    session.close();
  }
}
