/**
 * What an agent's refusal carries beyond its message (src-main/core/errors.ts copies the
 * agent's data into `details`): TEMPLATE_INVALID and INVALID_CONFIG list every problem,
 * CONFLICT says which revision runs now. Read defensively: details are `unknown` on the wire.
 */
import type { IpcError } from '../../../shared/ipc/errors.ts';

export interface AgentProblem {
  path: string;
  message: string;
  params?: string[];
  /** The virtual service or pool the path is in (a template problem says which). */
  virtualService?: string;
  pool?: string;
}

export function problemsOf(error: IpcError): AgentProblem[] {
  const list = (error.details as { problems?: unknown } | undefined)?.problems;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p: unknown): AgentProblem[] => {
    if (typeof p !== 'object' || p === null) return [];
    const o = p as Record<string, unknown>;
    if (typeof o.message !== 'string') return [];
    return [
      {
        path: typeof o.path === 'string' ? o.path : '',
        message: o.message,
        ...(Array.isArray(o.params) ? { params: o.params.filter((x) => typeof x === 'string') } : {}),
        ...(typeof o.virtualService === 'string' ? { virtualService: o.virtualService } : {}),
        ...(typeof o.pool === 'string' ? { pool: o.pool } : {}),
      },
    ];
  });
}

export function currentRevisionOf(error: IpcError): number | undefined {
  const rev = (error.details as { currentRevision?: unknown } | undefined)?.currentRevision;
  return typeof rev === 'number' ? rev : undefined;
}

/** A certificate or CA the agent's store lacks (src-main/core/store-references.ts): the fix is a push. */
export interface StoreProblem {
  kind: 'certificate' | 'ca-bundle';
  name: string;
  reason: 'missing' | 'wrong-kind' | 'damaged';
}

export function storeProblemsOf(error: IpcError): StoreProblem[] {
  const list = (error.details as { storeProblems?: unknown } | undefined)?.storeProblems;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p: unknown): StoreProblem[] => {
    if (typeof p !== 'object' || p === null) return [];
    const o = p as Record<string, unknown>;
    if (typeof o.name !== 'string' || (o.kind !== 'certificate' && o.kind !== 'ca-bundle')) return [];
    const reason = o.reason === 'wrong-kind' || o.reason === 'damaged' ? o.reason : 'missing';
    return [{ kind: o.kind, name: o.name, reason }];
  });
}
