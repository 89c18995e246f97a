/**
 * Certificates close to expiry, fleet-wide: the certificate usage view (every agent's
 * `cert.list`, one entry per certificate however many agents hold it) read a little after start,
 * after the fleet changes, and every few hours; each certificate within the warning period
 * (30 days by default) raises a warning, and within the critical period (7 days) or expired a
 * critical alert, which ends when the certificate is replaced or removed everywhere. The two
 * are separate alerts, the warning resolved when the critical one is raised: entering the
 * critical period is news (a desktop notification, unacknowledged again), not an edit of an
 * alert the admin may have acknowledged weeks ago.
 */
import type { CertificateUsage, CertificateUsageView } from '../../shared/ipc/certs.ts';
import type { AlertThresholds } from '../../shared/ipc/settings.ts';
import type { AlertCenter } from './alert-center.ts';

const DAY_MS = 86_400_000;
export type CertAlertStage = 'warning' | 'critical';
export const certAlertId = (fingerprint: string, stage: CertAlertStage) =>
  `certificate-expiring|${stage}|${fingerprint}`;

export interface CertWatchOptions {
  usage: () => Promise<CertificateUsageView>;
  alerts: AlertCenter;
  thresholds: () => AlertThresholds;
  /** Between two regular checks (default 6 h). */
  everyMs?: number;
  /** After start or a change, before checking (default 20 s: agents connect first). */
  settleMs?: number;
  now?: () => number;
  onProblem?: (message: string) => void;
}

export class CertWatch {
  private readonly opts: CertWatchOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(opts: CertWatchOptions) {
    this.opts = opts;
  }

  start(): void {
    this.soon();
  }

  /** Check again after the settle time (a pairing, a push): one check for a burst of changes. */
  soon(): void {
    this.schedule(this.opts.settleMs ?? 20_000);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** One check now (tests and `soon` call it). */
  async check(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule(this.opts.everyMs ?? 6 * 3_600_000));
    }, ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    let view: CertificateUsageView;
    try {
      view = await this.opts.usage();
    } catch (err) {
      this.opts.onProblem?.(`certificate check failed: ${(err as Error).message}`);
      return;
    }
    const { alerts } = this.opts;
    const t = this.opts.thresholds();
    const now = (this.opts.now ?? Date.now)();
    const unreachable = new Set(view.unreachable.map((u) => u.agentId));
    const seen = new Set<string>();
    for (const cert of view.certificates) {
      const ids = {
        warning: certAlertId(cert.fingerprint, 'warning'),
        critical: certAlertId(cert.fingerprint, 'critical'),
      };
      seen.add(ids.warning);
      seen.add(ids.critical);
      const days = (Date.parse(cert.notAfter) - now) / DAY_MS;
      if (days > t.certificateWarningDays) {
        alerts.resolve(ids.warning);
        alerts.resolve(ids.critical);
        continue;
      }
      const stage: CertAlertStage = days <= t.certificateCriticalDays ? 'critical' : 'warning';
      // A longer period set in the settings can take a certificate back from critical to warning.
      alerts.resolve(ids[stage === 'critical' ? 'warning' : 'critical']);
      const sites = [...new Set(cert.placements.map((p) => p.site))];
      const agents = [...new Set(cert.placements.map((p) => p.agentId))];
      alerts.raise({
        id: ids[stage],
        kind: 'certificate-expiring',
        severity: stage,
        message: expiryText(cert, days),
        ...(agents.length === 1 ? { agentId: agents[0]! } : {}),
        ...(sites.length === 1 ? { site: sites[0]! } : {}),
      });
    }
    // Gone from every agent that answered: replaced or removed. An agent that did not answer may
    // still hold it, so its alert stays until that agent is asked again.
    alerts.resolveWhere(
      (a) =>
        a.kind === 'certificate-expiring' &&
        !seen.has(a.id) &&
        (a.agentId === undefined || !unreachable.has(a.agentId)) &&
        unreachable.size === 0,
    );
  }
}

function expiryText(cert: CertificateUsage, days: number): string {
  const name = cert.subject.cn ?? cert.sans.dns[0] ?? cert.subject.dn;
  const on = cert.notAfter.slice(0, 10);
  const where = [...new Set(cert.placements.map((p) => p.agentName))];
  const agents = `${where.slice(0, 3).join(', ')}${where.length > 3 ? ` and ${where.length - 3} more` : ''}`;
  if (days < 0) return `Certificate ${name} expired on ${on} (on ${agents})`;
  const whole = Math.floor(days);
  const when = whole === 0 ? 'today' : `in ${whole} day${whole === 1 ? '' : 's'}`;
  return `Certificate ${name} expires ${when}, on ${on} (on ${agents})`;
}
