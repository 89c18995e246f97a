import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetCertificatesView } from '../../../shared/ipc/acme.ts';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { copy, fp, inDays } from './cert-fixtures.ts';
import { FleetPanel } from './fleet-panel.tsx';

afterEach(cleanup);

/** One certificate, two copies: each row deletes its own. */
const mail = { subject: { cn: 'mail.example.com', dn: 'CN=mail.example.com' }, fingerprint: fp('02') };
const VIEW: FleetCertificatesView = {
  certificates: [
    copy('mail', 'a1', { ...mail, agentName: 'edge-1', notAfter: inDays(40) }),
    copy('mail-2024', 'a2', { ...mail, agentName: 'edge-2', notAfter: inDays(40), usedBy: ['owa'] }),
  ],
  unreachable: [],
};

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(fleet({ ...agent('a1', 'east'), name: 'edge-1' })),
    fleetCertificates: ok(VIEW),
    ...handlers,
  });
  return { test, ...renderWithApi(<FleetPanel inspection={undefined} />, test) };
}

const row = (name = 'mail on edge-1 (mail.example.com)') => screen.findByRole('row', { name });

describe('CertDelete', () => {
  it('asks, naming the certificate, the entry and the agent, then deletes that copy only', async () => {
    const { test } = setup({ removeCertificate: ok({ agentId: 'a1', name: 'mail' }) });
    fireEvent.click(
      within(await row()).getByRole('button', {
        name: 'Delete mail.example.com, entry “mail” on edge-1 (site east)',
      }),
    );
    const ask = screen.getByRole('group', {
      name: 'Delete mail.example.com from entry “mail” on edge-1 (site east)?',
    });
    expect(ask.textContent).toContain('Other copies stay');
    // Nothing is sent before the admin says yes.
    expect(test.calls.some((c) => c.channel === 'removeCertificate')).toBe(false);
    fireEvent.click(within(ask).getByRole('button', { name: 'Yes, delete it from edge-1' }));
    await waitFor(() =>
      expect(test.calls.find((c) => c.channel === 'removeCertificate')?.params).toEqual({
        agentId: 'a1',
        name: 'mail',
      }),
    );
    // The list is read again, so the deleted copy leaves it.
    await waitFor(() => expect(test.calls.filter((c) => c.channel === 'fleetCertificates').length).toBe(2));
  });

  it('keeps the copy when the admin changes their mind', async () => {
    const { test } = setup();
    fireEvent.click(
      within(await row()).getByRole('button', {
        name: 'Delete mail.example.com, entry “mail” on edge-1 (site east)',
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('group')).toBeNull();
    expect(test.calls.some((c) => c.channel === 'removeCertificate')).toBe(false);
  });

  it('says which services still use an entry the agent refuses to delete', async () => {
    setup({
      removeCertificate: fail('IN_USE', 'certificate "mail-2024" is used by owa', { usedBy: ['owa'] }),
    });
    fireEvent.click(
      within(await row('mail-2024 on edge-2 (mail.example.com)')).getByRole('button', {
        name: 'Delete mail.example.com, entry “mail-2024” on edge-2 (site east)',
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete it from edge-2' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Not deleted: used by owa on edge-2. Bind those services to another certificate first.',
    );
  });
});
