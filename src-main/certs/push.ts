/**
 * Pushing a checked certificate to agents: `cert.import` with the key and the chain (the root
 * already left out by the inspection), then optionally binding it to virtual services; and
 * "replace this certificate everywhere it is used". Written against the management protocol
 * only: the fleet is anything that fans an operation out to agents with a result per agent —
 * FleetManager.fanOut fits — so one agent's failure never stops the others.
 */
import { CertError } from '../../shared/certs/errors.ts';
import type { AgentOutcome } from '../../shared/ipc/channel.ts';
import { defaultCertificateOf, type ListenerTls } from '../../shared/model/config.ts';
import { normalizeFingerprint } from '../../shared/protocol/fingerprint.ts';
import type { FanOutProgress } from '../fleet/fan-out.ts';
import type { Failure } from '../fleet/rpc-errors.ts';
import type { MethodName, ParamsInput, ResultOf } from '../../shared/protocol/methods.ts';
import { importPem, isCaBundle } from './push-payload.ts';
import type { PushPayload } from './types.ts';

/** One JSON-RPC call to one agent, rejecting with the agent's error. The fleet's AgentClient fits. */
export interface AgentRequester {
  request<M extends MethodName>(method: M, params?: ParamsInput<M>): Promise<ResultOf<M>>;
}

export interface PushFleet {
  fanOut<T>(
    agentIds: readonly string[],
    operation: (client: AgentRequester, agentId: string) => Promise<T>,
    onProgress?: (progress: FanOutProgress<T>) => void,
  ): Promise<AgentOutcome<T, Failure>[]>;
}

export interface PushOptions {
  /** The store entry on each agent; an entry of that name is replaced as a whole (a renewal). */
  name: string;
  /**
   * Virtual services (https) that should serve it for its names (first in their certificate
   * list); their default for clients without SNI stays as it was (tls.defaultCertificate).
   */
  bind?: readonly string[];
  /** Store an expired or not-yet-valid certificate anyway (the agent never stores a broken one). */
  force?: boolean;
  /** Push a chain the inspection found incomplete (payload.incomplete): the admin confirmed it. */
  allowIncomplete?: boolean;
  onProgress?: (progress: FanOutProgress<AgentPushOutcome>) => void;
}

export interface AgentPushOutcome {
  imported: ResultOf<'cert.import'>;
  /** One entry per service in `bind`; `revision` is set when the service had to change. */
  bound: { virtualService: string; revision?: number }[];
}

export function pushCertificate(
  fleet: PushFleet,
  agentIds: readonly string[],
  payload: PushPayload,
  options: PushOptions,
): Promise<AgentOutcome<AgentPushOutcome, Failure>[]> {
  refuseIncomplete(payload, options.allowIncomplete);
  refuseBundleBinding(payload, options.bind);
  return fleet.fanOut(agentIds, (client) => pushToAgent(client, payload, options), options.onProgress);
}

/** Said when a CA bundle is to be bound: thrown before any agent is asked. */
export const CA_BUNDLE_NOT_BOUND =
  "a CA bundle serves no clients, so no virtual service can be bound to it: name it as a re-encrypting pool's CA (reencrypt.ca) instead";

/** A CA bundle has no key: binding it to an https service would leave the service without one. */
export function refuseBundleBinding(payload: PushPayload, bind: readonly string[] | undefined): void {
  if (isCaBundle(payload) && bind?.length) throw new TypeError(CA_BUNDLE_NOT_BOUND);
}

/**
 * The gate on a chain that stops before a root (shared/certs/chain-verdict.ts, judged by the
 * inspection after the library and AIA): clients without the missing issuer cannot build the
 * chain, so it goes only when the admin allowed it explicitly. Throws before any agent is asked.
 */
export function refuseIncomplete(payload: PushPayload, allowIncomplete: boolean | undefined): void {
  if (payload.incomplete && allowIncomplete !== true)
    throw new CertError('CHAIN_INCOMPLETE', payload.incomplete.message, { issues: [payload.incomplete] });
}

/** The import succeeded and the binding did not: the agent has the certificate, no service uses it yet. */
export class BindError extends Error {
  readonly imported: ResultOf<'cert.import'>;
  constructor(imported: ResultOf<'cert.import'>, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`imported as "${imported.name}", but binding it failed: ${why}`, { cause });
    this.name = 'BindError';
    this.imported = imported;
  }
}

export async function pushToAgent(
  client: AgentRequester,
  payload: PushPayload,
  options: Omit<PushOptions, 'onProgress'>,
): Promise<AgentPushOutcome> {
  refuseIncomplete(payload, options.allowIncomplete);
  refuseBundleBinding(payload, options.bind);
  const imported = await client.request('cert.import', {
    name: options.name,
    pem: importPem(payload),
    ...(options.force ? { force: true } : {}),
  });
  if (!options.bind?.length) return { imported, bound: [] };
  try {
    return { imported, bound: await bind(client, options.name, options.bind) };
  } catch (error) {
    throw new BindError(imported, error);
  }
}

/**
 * Puts `name` first in each service's certificate list, so it answers its names (SNI) ahead of
 * any other certificate that has them — a renewal under a new entry name takes over — and keeps
 * the others for their names. The default for clients without SNI stays the one it was: when
 * `name` goes in front of it, tls.defaultCertificate names it explicitly. Every service is
 * checked before any is changed, and each change carries the revision it was computed from, so
 * a concurrent edit is refused (CONFLICT) instead of overwritten.
 */
async function bind(
  client: AgentRequester,
  name: string,
  services: readonly string[],
): Promise<AgentPushOutcome['bound']> {
  const current = await client.request('config.get');
  const { config } = current;
  let { revision } = current;
  const targets = services.map((service) => {
    const vs = config.virtualServices.find((v) => v.name === service);
    if (!vs) throw new Error(`there is no virtual service "${service}" on this agent`);
    if (vs.protocol !== 'https' || !vs.tls)
      throw new Error(`virtual service "${service}" is ${vs.protocol}, not https: it serves no certificate`);
    return { vs, tls: vs.tls };
  });
  const bound: AgentPushOutcome['bound'] = [];
  for (const { vs, tls } of targets) {
    if (tls.certificates[0] === name) {
      bound.push({ virtualService: vs.name });
      continue;
    }
    ({ revision } = await client.request('virtualService.upsert', {
      virtualService: { ...vs, tls: boundFirst(tls, name) },
      expectRevision: revision,
    }));
    bound.push({ virtualService: vs.name, revision });
  }
  return bound;
}

/** A service's TLS settings with `name` first in its certificates and its default unchanged. */
export function boundFirst(tls: ListenerTls, name: string): ListenerTls {
  const certificates = [name, ...tls.certificates.filter((c) => c !== name)];
  const { defaultCertificate: _was, ...rest } = tls;
  const stays = defaultCertificateOf(tls);
  // Said only where it differs from the first: a service without the field reads as before.
  return stays === name ? { ...rest, certificates } : { ...rest, certificates, defaultCertificate: stays };
}

export interface ReplaceOptions {
  /** SHA-256 fingerprint of the leaf being replaced (any case, colons optional). */
  fingerprint: string;
  force?: boolean;
  /** As PushOptions.allowIncomplete. */
  allowIncomplete?: boolean;
  onProgress?: (progress: FanOutProgress<AgentReplaceOutcome>) => void;
}

export interface AgentReplaceOutcome {
  /** Each store entry that held the old certificate, now the new one, and the services reloaded. */
  replaced: { name: string; reloaded: string[] }[];
}

/**
 * "Replace this certificate everywhere it is used": on each agent, every store entry whose leaf
 * is the old certificate is imported again under its own name — a renewal, so every service
 * using it switches to the new one without a configuration change.
 */
export function replaceCertificateEverywhere(
  fleet: PushFleet,
  agentIds: readonly string[],
  payload: PushPayload,
  options: ReplaceOptions,
): Promise<AgentOutcome<AgentReplaceOutcome, Failure>[]> {
  const wanted = normalizeFingerprint(options.fingerprint);
  if (wanted === undefined) throw new TypeError(`"${options.fingerprint}" is not a SHA-256 fingerprint`);
  refuseIncomplete(payload, options.allowIncomplete);
  return fleet.fanOut(
    agentIds,
    async (client) => {
      const { certificates } = await client.request('cert.list');
      const replaced: AgentReplaceOutcome['replaced'] = [];
      for (const entry of certificates.filter((e) => normalizeFingerprint(e.fingerprint) === wanted)) {
        const { imported } = await pushToAgent(client, payload, {
          name: entry.name,
          ...(options.force ? { force: true } : {}),
          ...(options.allowIncomplete ? { allowIncomplete: true } : {}),
        });
        replaced.push({ name: entry.name, reloaded: imported.reloaded });
      }
      return { replaced };
    },
    options.onProgress,
  );
}
