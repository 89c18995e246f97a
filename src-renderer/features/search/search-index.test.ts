import { describe, expect, it } from 'vitest';
import type { CertificateUsageView } from '../../../shared/ipc/certs.ts';
import { agent, fleet, health, healthAgent, server } from '../../../test/support/renderer/fixtures.ts';
import { buildIndex, search } from './search-index.ts';

const LB1 = { ...agent('a1', 'east'), name: 'lb1' };
const certs: CertificateUsageView = {
  certificates: [
    {
      fingerprint: 'AA',
      subject: { dn: 'CN=mail.example.com', cn: 'mail.example.com' },
      issuer: { dn: 'CN=CA' },
      sans: { dns: ['mail.example.com', 'autodiscover.example.com'], ip: [] },
      notAfter: '2030-01-01T00:00:00Z',
      placements: [
        { agentId: 'a1', agentName: 'lb1', site: 'east', entry: 'mail', usedBy: [], importedAt: '' },
      ],
    },
  ],
  unreachable: [],
};
const index = buildIndex(
  fleet(LB1),
  health(healthAgent(LB1, { exchange: [server('exchange', 'cas1', 'up')] }, 1, { owa: ['exchange'] })),
  certs,
);

describe('global search', () => {
  it.each([
    ['lb1', ['agent lb1', 'service owa', 'server exchange/cas1', 'certificate mail.example.com']],
    ['owa', ['service owa']],
    ['cas1', ['server exchange/cas1']],
    ['10.0.0.1', ['server exchange/cas1']],
    ['autodiscover', ['certificate mail.example.com']],
    ['exchange cas', ['server exchange/cas1']],
    ['nothing-here', []],
    ['   ', []],
  ])('“%s” finds %j', (query, expected) => {
    expect(search(index, query).map((h) => `${h.kind} ${h.label}`)).toEqual(expected);
  });

  it('opens each hit where it is shown', () => {
    const [server] = search(index, 'cas1');
    expect(server?.route).toEqual({ screen: 'health', health: { agentId: 'a1', text: 'exchange/cas1' } });
    expect(search(index, 'owa')[0]?.route).toEqual({ screen: 'agent', agentId: 'a1' });
    expect(search(index, 'mail')[0]?.route).toEqual({ screen: 'certificates' });
  });
});
