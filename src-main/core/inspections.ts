/**
 * Inspections kept in the main process between "inspect" and "push": the private key never
 * crosses to the renderer, which names it by id. Bounded in count and age, because an admin who
 * drops files and walks away should not leave keys in memory for the life of the app.
 */
import { randomUUID } from 'node:crypto';
import type { PushPayload } from '../certs/index.ts';

export interface KeptInspection {
  payload?: PushPayload;
  keptAt: number;
}

export class InspectionCache {
  private readonly entries = new Map<string, KeptInspection>();
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: { max?: number; ttlMs?: number; now?: () => number } = {}) {
    this.max = opts.max ?? 32;
    this.ttlMs = opts.ttlMs ?? 60 * 60 * 1000;
    this.now = opts.now ?? Date.now;
  }

  keep(payload: PushPayload | undefined): string {
    this.prune();
    const id = randomUUID();
    this.entries.set(id, { ...(payload ? { payload } : {}), keptAt: this.now() });
    // Map order is insertion order: the first entries are the oldest.
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return id;
  }

  get(id: string): KeptInspection | undefined {
    this.prune();
    return this.entries.get(id);
  }

  private prune(): void {
    const oldest = this.now() - this.ttlMs;
    for (const [id, entry] of this.entries) if (entry.keptAt < oldest) this.entries.delete(id);
  }
}

/** The payload without its root: it is pushed only when asked for, clients have their roots. */
export function withoutRoot(payload: PushPayload): PushPayload {
  if (!payload.includesRoot) return payload;
  const blocks =
    payload.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\s*/g) ?? [];
  return { ...payload, chainPem: blocks.slice(0, -1).join(''), includesRoot: false };
}
