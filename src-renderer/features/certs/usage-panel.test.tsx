import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CertificateUsageView, CertInspection, ReplaceOutcome } from '../../../shared/ipc/certs.ts';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { Reply } from '../../../shared/ipc/errors.ts';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { fp, inDays, inspection, LEAF, placement, usage } from './cert-fixtures.ts';
import { UsagePanel } from './usage-panel.tsx';

afterEach(cleanup);

const VIEW: CertificateUsageView = {
  certificates: [
    usage('old.example.com', inDays(-3), {
      fingerprint: fp('01'),
      placements: [placement('a1', 'edge-1', 'old-example-com', [])],
    }),
    usage('mail.example.com', inDays(12.5), {
      fingerprint: fp('02'),
      sans: { dns: ['mail.example.com', 'autodiscover.example.com'], ip: [] },
      placements: [
        placement('a1', 'edge-1', 'mail', ['owa', 'ews']),
        placement('a2', 'edge-2', 'mail-2024', ['owa']),
      ],
    }),
    usage('www.example.com', inDays(200.5), { fingerprint: LEAF.summary.fingerprint }),
  ],
  unreachable: [{ agentId: 'a3', reason: 'the agent is offline (timeout)' }],
};

function setup(inspected: CertInspection | undefined, handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(
      fleet({ ...agent('a1', 'east'), name: 'edge-1' }, { ...agent('a3', 'west'), name: 'edge-3' }),
    ),
    certificateUsage: ok(VIEW),
    ...handlers,
  });
  return { test, ...renderWithApi(<UsagePanel inspection={inspected} />, test) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('UsagePanel', () => {
  it('lists certificates soonest expiry first, highlighting expired and expiring ones', async () => {
    setup(undefined);
    const rows = await screen.findAllByRole('row', { name: /example\.com/ });
    expect(rows.map((r) => r.getAttribute('aria-label'))).toEqual([
      'old.example.com',
      'mail.example.com',
      'www.example.com',
    ]);
    const expires = (row: HTMLElement) => within(row).getAllByRole('cell')[2]!;
    expect(expires(rows[0]!).className).toContain('expiry-expired');
    expect(expires(rows[0]!).textContent).toContain('Expired: expired 3 days ago');
    expect(expires(rows[1]!).className).toContain('expiry-soon');
    expect(expires(rows[1]!).textContent).toContain('Soon: 12 days left');
    expect(expires(rows[2]!).className).toContain('expiry-ok');
    expect(expires(rows[2]!).textContent).toContain('200 days left');

    const mail = rows[1]!;
    expect(mail.textContent).toContain('mail.example.com, autodiscover.example.com');
    expect(mail.textContent).toContain('Example Issuing CA');
    const placements = within(mail)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(placements).toEqual([
      // Each copy with its own Delete (cert-delete.test.tsx).
      'edge-1 east · entry “mail” · used by owa, ews Delete',
      'edge-2 east · entry “mail-2024” · used by owa Delete',
    ]);
    expect(rows[0]?.textContent).toContain('not used');
  });

  it('names the agents it could not ask', async () => {
    setup(undefined);
    const note = await screen.findByRole('note', { name: 'Agents not asked' });
    await waitFor(() => expect(note.textContent).toContain('edge-3: the agent is offline (timeout)'));
  });

  it('offers no replace action without a pushable inspection', async () => {
    setup(inspection({ pushable: false }));
    await screen.findAllByRole('row', { name: /example\.com/ });
    expect(screen.queryByRole('button', { name: /Replace/ })).toBeNull();
  });

  it('replaces a certificate with the inspected one after confirming, and shows each agent’s result', async () => {
    const reply = deferred<Reply<FanOutResult<ReplaceOutcome>>>();
    const { test } = setup(inspection(), { replaceCertificate: () => reply.promise });
    await screen.findAllByRole('row', { name: /example\.com/ });
    // Not offered for the inspected certificate itself.
    expect(
      within(screen.getByRole('row', { name: 'www.example.com' })).getByText(
        'This is the inspected certificate.',
      ),
    ).toBeTruthy();

    fireEvent.click(
      screen.getByRole('button', { name: 'Replace mail.example.com with the inspected www.example.com' }),
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

    const usageBefore = test.calls.filter((c) => c.channel === 'certificateUsage').length;
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
            { agentId: 'a3', ok: true, result: { replaced: [] } },
          ],
        }),
      ),
    );
    await waitFor(() =>
      expect(within(results).getByRole('listitem', { name: 'edge-1' }).textContent).toContain(
        'Entry “mail” replaced; reloaded owa, ews.',
      ),
    );
    expect(within(within(results).getByRole('listitem', { name: 'a2' })).getByRole('alert').textContent).toBe(
      'edge-2 is not connected (AGENT_OFFLINE)',
    );
    expect(within(results).getByRole('listitem', { name: 'edge-3' }).textContent).toContain(
      'No entry here held that certificate.',
    );
    await waitFor(() =>
      expect(test.calls.filter((c) => c.channel === 'certificateUsage').length).toBeGreaterThan(usageBefore),
    );
  });

  it('cancels a replacement without sending anything', async () => {
    const { test } = setup(inspection());
    await screen.findAllByRole('row', { name: /example\.com/ });
    fireEvent.click(screen.getByRole('button', { name: /Replace old.example.com/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group', { name: 'Confirm replacement' })).toBeNull();
    expect(test.calls.some((c) => c.channel === 'replaceCertificate')).toBe(false);
  });
});
