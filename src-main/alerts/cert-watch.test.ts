import { describe, expect, it } from 'vitest';
import type { Alert } from '../../shared/ipc/alerts.ts';
import type { CertificateUsage, CertificateUsageView } from '../../shared/ipc/certs.ts';
import { DEFAULT_ALERT_THRESHOLDS } from '../../shared/ipc/settings.ts';
import { AlertCenter } from './alert-center.ts';
import { CertWatch, certAlertId } from './cert-watch.ts';

const NOW = Date.parse('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;

const cert = (fingerprint: string, daysLeft: number, agents: [string, string][]): CertificateUsage => ({
  fingerprint,
  subject: { cn: `${fingerprint}.example.com`, dn: `CN=${fingerprint}.example.com` },
  issuer: { cn: 'CA', dn: 'CN=CA' },
  sans: { dns: [], ip: [] },
  notAfter: new Date(NOW + daysLeft * DAY).toISOString(),
  placements: agents.map(([agentId, site]) => ({
    agentId,
    agentName: `lb-${agentId}`,
    site,
    entry: 'www',
    usedBy: [],
    importedAt: '2026-01-01T00:00:00.000Z',
  })),
});

/** The expiry alert of certificate `fingerprint` still on, whichever its stage. */
const active = (alerts: AlertCenter, fingerprint: string) =>
  [certAlertId(fingerprint, 'warning'), certAlertId(fingerprint, 'critical')]
    .map((id) => alerts.get(id))
    .find((a) => a !== undefined && a.resolvedAt === undefined);

function watch(view: () => CertificateUsageView, now = () => NOW) {
  const raised: Alert[] = [];
  const alerts = new AlertCenter({
    emit: (event) => {
      if (event.type === 'alerts') raised.push(...event.raised);
    },
    now,
    eventMs: 0,
  });
  const w = new CertWatch({
    usage: async () => view(),
    alerts,
    thresholds: () => DEFAULT_ALERT_THRESHOLDS,
    now,
  });
  return { alerts, w, raised };
}

describe('CertWatch', () => {
  it.each([
    ['60 days left: nothing', 60, undefined],
    ['30 days left: a warning', 29.5, 'warning'],
    ['7 days left: critical', 6.9, 'critical'],
    ['expired: critical', -2, 'critical'],
  ])('%s', async (_what, days, severity) => {
    const { alerts, w } = watch(() => ({
      certificates: [cert('aa', days, [['a1', 'east']])],
      unreachable: [],
    }));
    await w.check();
    expect(active(alerts, 'aa')?.severity).toBe(severity);
  });

  it('names the certificate, when and where, and the site when all placements share one', async () => {
    const { alerts, w } = watch(() => ({
      certificates: [
        cert('aa', 12.2, [
          ['a1', 'east'],
          ['a2', 'east'],
        ]),
      ],
      unreachable: [],
    }));
    await w.check();
    expect(active(alerts, 'aa')).toMatchObject({
      message: 'Certificate aa.example.com expires in 12 days, on 2026-06-13 (on lb-a1, lb-a2)',
      site: 'east',
    });
    expect(active(alerts, 'aa')).not.toHaveProperty('agentId');
  });

  it('resolves the alert once the certificate is replaced everywhere, not while an agent did not answer', async () => {
    let view: CertificateUsageView = { certificates: [cert('aa', 3, [['a1', 'east']])], unreachable: [] };
    const { alerts, w } = watch(() => view);
    await w.check();
    view = { certificates: [], unreachable: [{ agentId: 'a1', reason: 'offline' }] };
    await w.check();
    expect(active(alerts, 'aa')).toBeDefined();
    view = { certificates: [cert('bb', 300, [['a1', 'east']])], unreachable: [] };
    await w.check();
    expect(active(alerts, 'aa')).toBeUndefined();
    expect(alerts.get(certAlertId('aa', 'critical'))?.resolvedAt).toBeDefined();
  });

  it('raises the 7-day alert as news: a new alert (notified again), the 30-day one resolved', async () => {
    let at = NOW;
    const view = { certificates: [cert('aa', 29.5, [['a1', 'east']])], unreachable: [] };
    const { alerts, w, raised } = watch(
      () => view,
      () => at,
    );
    await w.check();
    await new Promise((r) => setTimeout(r, 10));
    expect(raised.map((a) => [a.id, a.severity])).toEqual([[certAlertId('aa', 'warning'), 'warning']]);
    alerts.acknowledge();

    at = NOW + 23 * DAY;
    await w.check();
    await new Promise((r) => setTimeout(r, 10));
    expect(raised.map((a) => [a.id, a.severity])).toEqual([
      [certAlertId('aa', 'warning'), 'warning'],
      [certAlertId('aa', 'critical'), 'critical'],
    ]);
    expect(alerts.get(certAlertId('aa', 'warning'))?.resolvedAt).toBeDefined();
    expect(active(alerts, 'aa')).toMatchObject({ severity: 'critical' });
    expect(active(alerts, 'aa')).not.toHaveProperty('acknowledgedAt');

    // Checked again at the same stage: nothing new to tell.
    at += DAY;
    await w.check();
    await new Promise((r) => setTimeout(r, 10));
    expect(raised).toHaveLength(2);
  });
});
