/**
 * The Console's alerts: one per subject (a real server, an agent, a certificate, a service's
 * error rate), raised while its condition holds and resolved when it ends; acknowledged by an
 * admin. Raising an alert that is on changes nothing but its text; raising it again after it
 * ended counts once more and clears the acknowledgement (it is news again).
 *
 * Bounded: at most `max` alerts (resolved ones go first, the longest resolved first), resolved
 * ones kept a day. Both without walking the list: the resolved ones are also kept in the order
 * they were resolved (`resolvedOrder`), so a raise at thousands a second (a whole fleet
 * flapping: bench:ui's fleet case) costs the same with 1,000 alerts held as with none. Walking
 * all of them on each raise over the bound took a tenth of the Console's CPU there and stalled
 * its event loop for up to a second. Kept in `alerts.json` in the Console's directory (written at most every few seconds), so
 * an acknowledged alert stays acknowledged across restarts.
 *
 * Subscribers learn of changes in batches (at most one `alerts` event every `eventMs`), with
 * the alerts raised since the last one: what a desktop notification tells.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert, AlertList } from '../../shared/ipc/alerts.ts';
import { ALERT_KINDS } from '../../shared/ipc/alerts.ts';
import { MAX_RAISED, type ConsoleEvent } from '../../shared/ipc/events.ts';

/** What raising an alert says; the center keeps the times and the count. */
export type AlertInput = Pick<Alert, 'id' | 'kind' | 'severity' | 'message' | 'agentId' | 'site'>;

export interface AlertCenterOptions {
  /** alerts.json; none keeps them in memory only (the CLI). */
  file?: string;
  emit: (event: Extract<ConsoleEvent, { type: 'alerts' }>) => void;
  max?: number;
  /** How long a resolved alert stays listed (default a day). */
  keepResolvedMs?: number;
  /** Least time between two `alerts` events (default 500 ms). */
  eventMs?: number;
  /** Least time between two writes of the file (default 5 s). */
  saveMs?: number;
  now?: () => number;
  onProblem?: (message: string) => void;
}

export class AlertCenter {
  private readonly opts: AlertCenterOptions;
  private readonly alerts = new Map<string, Alert>();
  /** The resolved alerts' ids → when resolved (ms), in the order they were resolved. */
  private readonly resolvedOrder = new Map<string, number>();
  private readonly now: () => number;
  private raised: Alert[] = [];
  private changed = false;
  private eventTimer: NodeJS.Timeout | undefined;
  private lastEvent = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(opts: AlertCenterOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    if (opts.file) this.load(opts.file);
  }

  raise(input: AlertInput): void {
    const held = this.alerts.get(input.id);
    const at = new Date(this.now()).toISOString();
    if (held && held.resolvedAt === undefined) {
      if (held.message === input.message && held.severity === input.severity) return;
      // Still on: a new reason or severity, not a new alert.
      this.alerts.set(input.id, { ...held, message: input.message, severity: input.severity });
      this.touch();
      return;
    }
    const alert: Alert = {
      id: input.id,
      kind: input.kind,
      severity: input.severity,
      message: input.message,
      ...(input.agentId === undefined ? {} : { agentId: input.agentId }),
      ...(input.site === undefined ? {} : { site: input.site }),
      raisedAt: at,
      count: (held?.count ?? 0) + 1,
    };
    // Re-inserted: Map order is the order of raising, which eviction follows.
    this.alerts.delete(input.id);
    this.resolvedOrder.delete(input.id);
    this.alerts.set(input.id, alert);
    this.raised.push(alert);
    this.evict();
    this.touch();
  }

  resolve(id: string): void {
    const held = this.alerts.get(id);
    if (!held || held.resolvedAt !== undefined) return;
    const now = this.now();
    this.alerts.set(id, { ...held, resolvedAt: new Date(now).toISOString() });
    this.resolvedOrder.set(id, now);
    this.touch();
  }

  /** Resolves every active alert the predicate picks. */
  resolveWhere(pick: (alert: Alert) => boolean): void {
    for (const alert of this.alerts.values())
      if (alert.resolvedAt === undefined && pick(alert)) this.resolve(alert.id);
  }

  /** Acknowledges the active alerts named (all active ones when `ids` is omitted); returns how many. */
  acknowledge(ids?: readonly string[]): number {
    const at = new Date(this.now()).toISOString();
    const targets = ids ? ids.flatMap((id) => this.alerts.get(id) ?? []) : [...this.alerts.values()];
    let n = 0;
    for (const alert of targets) {
      if (alert.acknowledgedAt !== undefined || alert.resolvedAt !== undefined) continue;
      this.alerts.set(alert.id, { ...alert, acknowledgedAt: at });
      n++;
    }
    if (n > 0) this.touch();
    return n;
  }

  /** Active ones first (newest first), then resolved ones (most recently resolved first). */
  list(): AlertList {
    this.expire();
    const all = [...this.alerts.values()];
    const active = all.filter((a) => a.resolvedAt === undefined).reverse();
    const resolved = all
      .filter((a) => a.resolvedAt !== undefined)
      .sort((a, b) => b.resolvedAt!.localeCompare(a.resolvedAt!));
    return {
      alerts: [...active, ...resolved],
      unacknowledged: active.filter((a) => a.acknowledgedAt === undefined).length,
    };
  }

  /** Active alerts (the dashboard's tiles name them). */
  active(): Alert[] {
    return [...this.alerts.values()].filter((a) => a.resolvedAt === undefined);
  }

  get(id: string): Alert | undefined {
    return this.alerts.get(id);
  }

  /** Sends what is pending and writes the file now. */
  async close(): Promise<void> {
    clearTimeout(this.eventTimer);
    this.sendEvent();
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.save();
  }

  private touch(): void {
    this.changed = true;
    if (!this.eventTimer) {
      const eventMs = this.opts.eventMs ?? 500;
      this.eventTimer = setTimeout(
        () => this.sendEvent(),
        Math.max(0, this.lastEvent + eventMs - this.now()),
      );
      this.eventTimer.unref();
    }
    if (this.opts.file && !this.saveTimer) {
      this.saveTimer = setTimeout(() => {
        this.saveTimer = undefined;
        void this.save();
      }, this.opts.saveMs ?? 5_000);
      this.saveTimer.unref();
    }
  }

  private sendEvent(): void {
    this.eventTimer = undefined;
    this.lastEvent = this.now();
    if (!this.changed) return;
    this.changed = false;
    // Only those still on: one that fell and came back within the batch is not news.
    const raised = this.raised.filter((a) => this.alerts.get(a.id)?.resolvedAt === undefined);
    this.raised = [];
    this.opts.emit({
      type: 'alerts',
      raised: raised.slice(0, MAX_RAISED),
      more: Math.max(0, raised.length - MAX_RAISED),
    });
  }

  private evict(): void {
    const max = this.opts.max ?? 1_000;
    if (this.alerts.size <= max) return;
    this.expire();
    for (const id of this.resolvedOrder.keys()) {
      if (this.alerts.size <= max) return;
      this.forget(id);
    }
    // Still too many, all active: the oldest go (a fleet failing this widely shows it on every tile).
    for (const id of this.alerts.keys()) {
      if (this.alerts.size <= max) return;
      this.forget(id);
    }
  }

  /** Resolved alerts older than keepResolvedMs go: from the front of resolvedOrder, until a newer one. */
  private expire(): void {
    const oldest = this.now() - (this.opts.keepResolvedMs ?? 86_400_000);
    for (const [id, resolvedAt] of this.resolvedOrder) {
      if (resolvedAt >= oldest) return;
      this.forget(id);
    }
  }

  private forget(id: string): void {
    this.alerts.delete(id);
    this.resolvedOrder.delete(id);
  }

  private save(): Promise<void> {
    const file = this.opts.file;
    if (!file) return Promise.resolve();
    const text = `${JSON.stringify({ version: 1, alerts: [...this.alerts.values()] })}\n`;
    this.saving = this.saving.then(async () => {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        await writeFile(`${file}.tmp`, text, { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      } catch (err) {
        this.opts.onProblem?.(`alerts not saved: ${(err as Error).message}`);
      }
    });
    return this.saving;
  }

  private load(file: string): void {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.opts.onProblem?.(`alerts.json ignored: ${(err as Error).message}`);
      return;
    }
    const list = (doc as { alerts?: unknown }).alerts;
    if (!Array.isArray(list)) return;
    for (const item of list) if (isAlert(item)) this.alerts.set(item.id, item);
    const resolved = [...this.alerts.values()].flatMap((a) =>
      a.resolvedAt === undefined ? [] : [[a.id, Date.parse(a.resolvedAt)] as const],
    );
    for (const [id, at] of resolved.sort((a, b) => a[1] - b[1])) this.resolvedOrder.set(id, at);
    this.evict();
  }
}

/** A stored alert as written by save(); a hand-damaged one is skipped. */
function isAlert(value: unknown): value is Alert {
  const a = value as Partial<Alert>;
  return (
    typeof a === 'object' &&
    a !== null &&
    typeof a.id === 'string' &&
    (ALERT_KINDS as readonly string[]).includes(a.kind as string) &&
    (a.severity === 'warning' || a.severity === 'critical') &&
    typeof a.message === 'string' &&
    typeof a.raisedAt === 'string' &&
    typeof a.count === 'number'
  );
}
