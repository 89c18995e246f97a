import { describe, expect, it } from 'vitest';
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

function watch(view: () => CertificateUsageView) {
  const alerts = new AlertCenter({ emit: () => {}, now: () => NOW });
  const w = new CertWatch({
    usage: async () => view(),
    alerts,
    thresholds: () => DEFAULT_ALERT_THRESHOLDS,
    now: () => NOW,
  });
  return { alerts, w };
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
    expect(alerts.get(certAlertId('aa'))?.severity).toBe(severity);
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
    expect(alerts.get(certAlertId('aa'))).toMatchObject({
      message: 'Certificate aa.example.com expires in 12 days, on 2026-06-13 (on lb-a1, lb-a2)',
      site: 'east',
    });
    expect(alerts.get(certAlertId('aa'))).not.toHaveProperty('agentId');
  });

  it('resolves the alert once the certificate is replaced everywhere, not while an agent did not answer', async () => {
    let view: CertificateUsageView = { certificates: [cert('aa', 3, [['a1', 'east']])], unreachable: [] };
    const { alerts, w } = watch(() => view);
    await w.check();
    view = { certificates: [], unreachable: [{ agentId: 'a1', reason: 'offline' }] };
    await w.check();
    expect(alerts.get(certAlertId('aa'))?.resolvedAt).toBeUndefined();
    view = { certificates: [cert('bb', 300, [['a1', 'east']])], unreachable: [] };
    await w.check();
    expect(alerts.get(certAlertId('aa'))?.resolvedAt).toBeDefined();
  });
});
