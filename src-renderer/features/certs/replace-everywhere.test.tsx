import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetCertificatesView } from '../../../shared/ipc/acme.ts';
import type { CertInspection, ReplaceOutcome } from '../../../shared/ipc/certs.ts';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { Reply } from '../../../shared/ipc/errors.ts';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { copy, fp, inDays, inspection, LEAF } from './cert-fixtures.ts';
import { FleetPanel } from './fleet-panel.tsx';

afterEach(cleanup);

/** mail.example.com is stored twice (edge-1 and edge-2): one certificate, two copies, two rows. */
const VIEW: FleetCertificatesView = {
  certificates: [
    copy('old', 'a1', { notAfter: inDays(-3), attention: 'expired', fingerprint: fp('01') }),
    copy('mail', 'a1', {
      agentName: 'edge-1',
      notAfter: inDays(12.5),
      attention: 'expires-30d',
      fingerprint: fp('02'),
      subject: { cn: 'mail.example.com', dn: 'CN=mail.example.com' },
      sans: { dns: ['mail.example.com', 'autodiscover.example.com'], ip: [] },
      usedBy: ['owa', 'ews'],
    }),
    copy('mail-2024', 'a2', {
      agentName: 'edge-2',
      notAfter: inDays(12.5),
      attention: 'expires-30d',
      fingerprint: fp('02'),
      subject: { cn: 'mail.example.com', dn: 'CN=mail.example.com' },
      sans: { dns: ['mail.example.com', 'autodiscover.example.com'], ip: [] },
      usedBy: ['owa'],
    }),
    copy('www', 'a1', {
      agentName: 'edge-1',
      notAfter: inDays(200.5),
      fingerprint: LEAF.summary.fingerprint,
      subject: { cn: 'www.example.com', dn: 'CN=www.example.com' },
    }),
  ],
  unreachable: [],
};

function setup(inspected: CertInspection | undefined, handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(
      fleet({ ...agent('a1', 'east'), name: 'edge-1' }, { ...agent('a3', 'west'), name: 'edge-3' }),
    ),
    fleetCertificates: ok(VIEW),
    ...handlers,
  });
  return { test, ...renderWithApi(<FleetPanel inspection={inspected} />, test) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('Replace everywhere, from the fleet table', () => {
  it('offers no replace action without a pushable inspection', async () => {
    setup(inspection({ pushable: false }));
    await screen.findByRole('row', { name: 'www on edge-1 (www.example.com)' });
    expect(screen.queryByRole('button', { name: /Replace/ })).toBeNull();
  });

  it('replaces a certificate with the inspected one after confirming, and shows each agent’s result', async () => {
    const reply = deferred<Reply<FanOutResult<ReplaceOutcome>>>();
    const { test } = setup(inspection(), { replaceCertificate: () => reply.promise });
    await screen.findByRole('row', { name: 'www on edge-1 (www.example.com)' });
    // Not offered for the inspected certificate itself.
    expect(
      within(screen.getByRole('row', { name: 'www on edge-1 (www.example.com)' })).getByText(
        'This is the inspected certificate.',
      ),
    ).toBeTruthy();

    // Offered on each copy's row; either replaces the certificate on every agent storing it.
    expect(screen.getAllByRole('button', { name: /^Replace mail\.example\.com with/ })).toHaveLength(2);
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Replace mail.example.com with the inspected www.example.com: mail-2024 on edge-2 and every other copy',
      }),
    );
    const confirm = screen.getByRole('group', { name: 'Confirm replacement' });
    expect(confirm.textContent).toContain(
      'Replace mail.example.com (12 days left) with the inspected www.example.com',
    );
    // www.example.com answers neither of mail.example.com's names: said before the admin confirms.
    expect(confirm.textContent).toContain(
      'Names lost: the new certificate does not cover these names of the one it replaces: mail.example.com, autodiscover.example.com',
    );
    expect(test.calls.some((c) => c.channel === 'replaceCertificate')).toBe(false);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Replace everywhere' }));

    await waitFor(() => expect(test.calls.some((c) => c.channel === 'replaceCertificate')).toBe(true));
    const params = test.calls.find((c) => c.channel === 'replaceCertificate')?.params as {
      inspectionId: string;
      fingerprint: string;
      operationId: string;
    };
    expect(params).toEqual({
      inspectionId: 'insp-1',
      fingerprint: fp('02'),
      operationId: expect.any(String),
      allowUncoveredNames: true,
    });
    expect(params.operationId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

    const results = screen.getByRole('region', { name: 'Replacing mail.example.com' });
    act(() =>
      test.emit({
        type: 'progress',
        operationId: params.operationId,
        agentId: 'a1',
        status: 'running',
        message: `replacing ${fp('02')}`,
      }),
    );
    await waitFor(() =>
      expect(
        (within(results).getByRole('progressbar', { name: 'Replace on edge-1' }) as HTMLProgressElement)
          .value,
      ).toBe(1),
    );

    const usageBefore = test.calls.filter((c) => c.channel === 'fleetCertificates').length;
    await act(async () =>
      reply.resolve(
        ok({
          operationId: params.operationId,
          results: [
            { agentId: 'a1', ok: true, result: { replaced: [{ name: 'mail', reloaded: ['owa', 'ews'] }] } },
            {
              agentId: 'a2',
              ok: false,
              error: { code: 'AGENT_OFFLINE', message: 'edge-2 is not connected' },
            },
          ],
        }),
      ),
    );
    await waitFor(() =>
      expect(within(results).getByRole('listitem', { name: 'edge-1' }).textContent).toContain(
        'Entry “mail” replaced; reloaded owa, ews.',
      ),
    );
    const offline = within(within(results).getByRole('listitem', { name: 'a2' })).getByRole('alert');
    expect(offline.textContent).toBe('edge-2 is not connected');
    expect(offline.dataset.code).toBe('AGENT_OFFLINE');
    // Progress is shown for the agents storing it only (edge-3 stores no copy).
    expect(within(results).queryByRole('listitem', { name: 'edge-3' })).toBeNull();
    await waitFor(() =>
      expect(test.calls.filter((c) => c.channel === 'fleetCertificates').length).toBeGreaterThan(usageBefore),
    );
  });

  it('cancels a replacement without sending anything', async () => {
    const { test } = setup(inspection());
    await screen.findByRole('row', { name: 'www on edge-1 (www.example.com)' });
    fireEvent.click(screen.getByRole('button', { name: /Replace old.example.com/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group', { name: 'Confirm replacement' })).toBeNull();
    expect(test.calls.some((c) => c.channel === 'replaceCertificate')).toBe(false);
  });
});
