/**
 * Template fixtures for this screen's tests, built from the agent's real built-in files the
 * way the agent lists them (parsed with the shared schema, so defaults are filled in): the
 * forms under test are the ones admins will see, and a change to a built-in shows up here.
 */
import type { CertificateUsageView, CertPlacement } from '../../../shared/ipc/certs.ts';
import type { TemplateEntry } from '../../../shared/ipc/templates.ts';
import { Template } from '../../../shared/templates/template.ts';
import { TemplateInfo } from '../../../shared/protocol/template.ts';
import lyncJson from '../../../shared/templates/builtin/lync-reverse-proxy.json' with { type: 'json' };
import offloadJson from '../../../shared/templates/builtin/https-offload.json' with { type: 'json' };
import tcpJson from '../../../shared/templates/builtin/tcp.json' with { type: 'json' };
import { T0 } from '../../../test/support/renderer/fixtures.ts';

export const lyncDocument: Record<string, unknown> = lyncJson;
export const tcpDocument: Record<string, unknown> = tcpJson;

export const builtin = (doc: unknown): TemplateEntry => ({
  source: 'builtin',
  template: TemplateInfo.parse(Template.parse(doc)),
});

export const lync = builtin(lyncJson);
export const offload = builtin(offloadJson);
/** The TCP template imported into the Console under another id (agents do not have it). */
export const importedTcp: TemplateEntry = {
  source: 'imported',
  template: TemplateInfo.parse(Template.parse({ ...tcpJson, id: 'rdp-farm', name: 'RDP farm' })),
};

export function placement(agentId: string, entry: string, usedBy: string[] = []): CertPlacement {
  return { agentId, agentName: agentId, site: 'east', entry, usedBy, importedAt: T0 };
}

export function usage(...certs: CertPlacement[][]): CertificateUsageView {
  return {
    certificates: certs.map((placements, i) => ({
      fingerprint: `FP${i}`,
      subject: { cn: `cert${i}`, dn: `CN=cert${i}` },
      issuer: { dn: 'CN=CA' },
      sans: { dns: [], ip: [] },
      notAfter: '2030-01-01T00:00:00.000Z',
      placements,
    })),
    unreachable: [],
  };
}
