/**
 * Certificates: inspect dropped files with src-main/certs' pipeline (in a worker by default),
 * keep the key here under an inspection id, push key + chain to agents with progress per
 * agent and optional binding, replace one certificate everywhere it is stored, and list where
 * each certificate is used across the fleet.
 */
import { ConsoleError } from '../../shared/ipc/errors.ts';
import type {
  CertificateUsage,
  CertInspection,
  CertIssueView,
  PushOutcome,
  ReplaceOutcome,
} from '../../shared/ipc/certs.ts';
import type { AgentOutcome } from '../../shared/ipc/channel.ts';
import { CA_BUNDLE_NOT_BOUND } from '../certs/push.ts';
import { namesLostByReplace } from '../certs/replace-names.ts';
import { NAMES_NOT_COVERED, namesNotCoveredMessage } from '../../shared/ipc/cert-name-coverage.ts';
import { isCaBundle } from '../certs/push-payload.ts';
import {
  inspectInWorker,
  pushToAgent,
  replaceCertificateEverywhere,
  type InspectFile,
  type InspectOptions,
  type InspectResult,
  type PushFleet,
} from '../certs/index.ts';
import type { CertCore } from './types.ts';
import type { FleetManager } from '../fleet/index.ts';
import { clientOf } from './config-core.ts';
import { ipcErrorOf, mapErrors } from './errors.ts';
import type { EventHub } from './events.ts';
import { fanOutWithProgress } from './fan-out.ts';
import { InspectionCache, withoutRoot } from './inspections.ts';

/** How an admin of the app goes ahead when a replacement lacks names (cert-name-coverage.ts). */
const CONSOLE_NAMES_HOW = 'replace anyway only after confirming that no client uses them';

export interface CertCoreOptions {
  /** The pipeline; default: inspectInWorker (the CLI runs it in-process). */
  inspect?: (files: readonly InspectFile[], options: InspectOptions) => Promise<InspectResult>;
  /** The certificate library; none = neither used nor added to. */
  libraryDir?: string;
  /** More trusted roots (a company CA, a test root). */
  trustedRoots?: (string | Uint8Array)[];
  /** Use this machine's roots (default true). */
  systemRoots?: boolean;
}

export function createCertCore(
  fleet: FleetManager,
  events: EventHub,
  options: CertCoreOptions = {},
): CertCore & { inspectFiles(files: readonly InspectFile[], password?: string): Promise<CertInspection> } {
  const cache = new InspectionCache();
  const inspect = options.inspect ?? inspectInWorker;

  const run = async (
    files: readonly InspectFile[],
    extra: Pick<InspectOptions, 'password' | 'expectedNames' | 'aia'>,
  ): Promise<CertInspection> => {
    const result = await inspect(files, {
      ...extra,
      requireKey: true,
      // CA certificates only (an internal root for re-encrypt) go as a CA bundle, without a key.
      allowCaBundle: true,
      // Root included here; each push decides whether it goes (withoutRoot).
      pushPayload: { includeRoot: true },
      ...(options.libraryDir ? { libraryDir: options.libraryDir } : {}),
      ...(options.trustedRoots ? { trustedRoots: options.trustedRoots } : {}),
      ...(options.systemRoots === false ? { systemRoots: false } : {}),
    });
    const { push, ...view } = result;
    return { inspectionId: cache.keep(push), ...view, pushable: push !== undefined };
  };

  /** The kept key + chain of an inspection, root removed unless asked for. */
  const pushable = (
    inspectionId: string,
    includeRoot: boolean | undefined,
    allowIncomplete: boolean | undefined,
  ) => {
    const kept = cache.get(inspectionId);
    if (!kept) {
      throw new ConsoleError(
        'NOT_FOUND',
        'That inspection is gone (too old, or the Console restarted): drop the files again.',
        { inspectionId },
      );
    }
    if (!kept.payload) {
      throw new ConsoleError(
        'CERT_ERROR',
        'This inspection found problems or no matching key: it cannot be pushed.',
        { inspectionId },
      );
    }
    const { incomplete } = kept.payload;
    if (incomplete && allowIncomplete !== true) {
      // Refused before any agent is asked; the message names the missing issuer (chain-verdict.ts).
      throw new ConsoleError('CERT_ERROR', incomplete.message, {
        code: incomplete.code,
        issues: [incomplete],
        inspectionId,
      });
    }
    return includeRoot ? kept.payload : withoutRoot(kept.payload);
  };

  const core: ReturnType<typeof createCertCore> = {
    inspectFiles: (files, password) => run(files, password === undefined ? {} : { password }),

    async inspect({ files, expectedNames, aia }) {
      // The pipeline takes files given together as one input with one password.
      const passwords = new Set(files.flatMap((f) => (f.password === undefined ? [] : [f.password])));
      if (passwords.size > 1) {
        throw new ConsoleError(
          'INVALID_PARAMS',
          'Files inspected together share one password; drop them separately.',
        );
      }
      const [password] = passwords;
      return run(
        files.map((f) => ({ name: f.name, data: f.bytes })),
        {
          ...(password === undefined ? {} : { password }),
          ...(expectedNames ? { expectedNames } : {}),
          ...(aia === undefined ? {} : { aia }),
        },
      );
    },

    async push({ inspectionId, targets, includeRoot, force, allowIncomplete, operationId }) {
      const payload = pushable(inspectionId, includeRoot, allowIncomplete);
      if (isCaBundle(payload) && targets.some((t) => t.bind?.length)) {
        throw new ConsoleError('INVALID_PARAMS', `Not pushed: ${CA_BUNDLE_NOT_BOUND}.`);
      }
      // An agent may take several entries: one fan-out per round, each agent at most once in a round.
      const rounds: (typeof targets)[] = [];
      for (const target of targets) {
        const round = rounds.find((r) => !r.some((t) => t.agentId === target.agentId));
        if (round) round.push(target);
        else rounds.push([target]);
      }
      const byTarget = new Map<(typeof targets)[number], AgentOutcome<PushOutcome>>();
      let id = operationId;
      for (const round of rounds) {
        const result = await fanOutWithProgress(
          { fleet, events },
          round.map((t) => t.agentId),
          async (client, agentId, step) => {
            const target = round.find((t) => t.agentId === agentId)!;
            step(`importing "${target.name}"`);
            const pushed = await pushToAgent(client, payload, {
              name: target.name,
              ...(target.bind?.length ? { bind: target.bind } : {}),
              ...(force ? { force: true } : {}),
              ...(allowIncomplete ? { allowIncomplete: true } : {}),
            });
            return {
              name: pushed.imported.name,
              replaced: pushed.imported.replaced,
              reloaded: pushed.imported.reloaded,
              bound: pushed.bound.map((b) => b.virtualService),
              // The agent checks with the same shared/certs, so its codes are CertCodes; the wire types them loosely.
              warnings: pushed.imported.warnings as CertIssueView[],
            } satisfies PushOutcome;
          },
          id,
        );
        id = result.operationId;
        round.forEach((t, i) => byTarget.set(t, result.results[i]!));
      }
      return { operationId: id!, results: targets.map((t) => byTarget.get(t)!) };
    },

    async replaceEverywhere({
      inspectionId,
      fingerprint,
      agentIds,
      includeRoot,
      force,
      allowIncomplete,
      allowUncoveredNames,
      operationId,
    }) {
      const payload = pushable(inspectionId, includeRoot, allowIncomplete);
      const ids = agentIds ?? fleet.agents().flatMap((g) => g.agents.map((a) => a.id));
      if (allowUncoveredNames !== true) {
        // Refused before any agent is changed; the screen asks, then calls again with the flag.
        const names = await namesLostByReplace(fleet, ids, payload, fingerprint);
        if (names.length > 0) {
          throw new ConsoleError('CERT_ERROR', namesNotCoveredMessage(names, CONSOLE_NAMES_HOW), {
            code: NAMES_NOT_COVERED,
            names,
            fingerprint,
          });
        }
      }
      return fanOutWithProgress(
        { fleet, events },
        ids,
        async (client, agentId, step) => {
          step(`replacing ${fingerprint}`);
          // The fleet fan-out already isolates agents; run the shared per-agent logic on this one
          // client so its errors reach fanOutWithProgress (and ipcErrorOf) as thrown, like push's.
          const single: PushFleet = {
            fanOut: async (_ids, operation) => [
              { agentId, ok: true, result: await operation(client, agentId) },
            ],
          };
          const [result] = await replaceCertificateEverywhere(single, [agentId], payload, {
            fingerprint,
            ...(force ? { force: true } : {}),
            ...(allowIncomplete ? { allowIncomplete: true } : {}),
          });
          if (!result?.ok) throw new Error('unreachable: a single-agent replace either returns or throws');
          return { replaced: result.result.replaced } satisfies ReplaceOutcome;
        },
        operationId,
      );
    },

    remove: ({ agentId, name }) =>
      mapErrors(async () => {
        const removed = await clientOf(fleet, agentId).request('cert.remove', { name });
        return { agentId, name: removed.name };
      }),

    async usage() {
      const agents = fleet.agents().flatMap((g) => g.agents);
      const results = await fleet.fanOut(
        agents.map((a) => a.id),
        (client) => client.request('cert.list'),
      );
      const byFingerprint = new Map<string, CertificateUsage>();
      const unreachable: { agentId: string; reason: string }[] = [];
      results.forEach((r, i) => {
        const agent = agents[i]!;
        if (!r.ok) {
          unreachable.push({ agentId: r.agentId, reason: ipcErrorOf(r.error).message });
          return;
        }
        for (const entry of r.result.certificates) {
          if (entry.kind !== 'certificate' || entry.problem !== undefined) continue;
          let usage = byFingerprint.get(entry.fingerprint);
          if (!usage) {
            usage = {
              fingerprint: entry.fingerprint,
              subject: entry.subject,
              issuer: entry.issuer,
              sans: entry.sans,
              notAfter: entry.notAfter,
              placements: [],
            };
            byFingerprint.set(entry.fingerprint, usage);
          }
          usage.placements.push({
            agentId: agent.id,
            agentName: agent.name,
            site: agent.site,
            entry: entry.name,
            usedBy: entry.usedBy,
            importedAt: entry.importedAt,
          });
        }
      });
      const certificates = [...byFingerprint.values()].sort((a, b) => a.notAfter.localeCompare(b.notAfter));
      return { certificates, unreachable };
    },
  };
  return core;
}
