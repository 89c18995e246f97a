import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AcmeOutcome, FleetCertificatesView } from '../../../shared/ipc/acme.ts';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { Reply } from '../../../shared/ipc/errors.ts';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { copy as entry, inDays, renewal } from './cert-fixtures.ts';
import { FleetPanel } from './fleet-panel.tsx';

afterEach(cleanup);

/** In the core's order (attention, then expiry): the table shows it as it comes. */
const VIEW: FleetCertificatesView = {
  certificates: [
    entry('legacy', 'a1', { notAfter: inDays(-2), attention: 'expired' }),
    entry('www', 'a2', {
      source: 'acme',
      notAfter: inDays(25),
      attention: 'renewal-failing',
      renewal: renewal({
        failures: 2,
        nextRenewalAt: inDays(0.2),
        lastError: {
          at: inDays(-0.1),
          domain: 'www.example.com',
          message:
            'www.example.com: the CA could not connect to this agent on port 80 for it — connection refused',
        },
      }),
    }),
    entry('mail', 'a1', { notAfter: inDays(5), attention: 'expires-7d', usedBy: ['owa', 'ews'] }),
    entry('adfs', 'a2', { notAfter: inDays(20), attention: 'expires-30d' }),
    entry('www', 'a1', { source: 'acme', notAfter: inDays(80), renewal: renewal(), attention: 'ok' }),
  ],
  unreachable: [{ agentId: 'a3', reason: 'the agent is offline' }],
};

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(
      fleet(
        { ...agent('a1', 'east'), name: 'edge-a1' },
        { ...agent('a2', 'east'), name: 'edge-a2' },
        { ...agent('a3', 'west'), name: 'edge-a3' },
      ),
    ),
    fleetCertificates: ok(VIEW),
    ...handlers,
  });
  return { test, ...renderWithApi(<FleetPanel inspection={undefined} />, test) };
}

const rows = () => screen.getAllByRole('row').slice(1);

describe('FleetPanel', () => {
  it('lists every stored copy in one table, what needs attention first, with source, expiry, renewal state and use in words', async () => {
    setup();
    await screen.findByRole('row', { name: 'legacy on edge-a1 (legacy.example.com)' });
    expect(rows().map((r) => r.getAttribute('aria-label'))).toEqual([
      'legacy on edge-a1 (legacy.example.com)',
      'www on edge-a2 (www.example.com)',
      'mail on edge-a1 (mail.example.com)',
      'adfs on edge-a2 (adfs.example.com)',
      'www on edge-a1 (www.example.com)',
    ]);
    const cells = (name: string) =>
      within(screen.getByRole('row', { name }))
        .getAllByRole('cell')
        .map((c) => c.textContent);
    expect(screen.getAllByRole('table')).toHaveLength(1);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual([
      'Entry',
      'Agent',
      'Source',
      'Expires',
      'Renewal',
      'Used by',
      'Actions',
    ]);
    expect(
      within(screen.getByRole('row', { name: 'legacy on edge-a1 (legacy.example.com)' })).getByRole(
        'rowheader',
      ).textContent,
    ).toContain('legacy.example.com');
    expect(cells('legacy on edge-a1 (legacy.example.com)')).toEqual([
      'edge-a1 east',
      'Imported',
      expect.stringMatching(/Expired: expired 2 days ago$/),
      'Not renewed by the agent',
      'not used',
      'Replace by handDelete',
    ]);
    expect(cells('mail on edge-a1 (mail.example.com)')[4]).toBe('owa, ews');
    // Renew now on ACME copies, Delete on every copy.
    expect(cells('www on edge-a2 (www.example.com)')[5]).toBe('Renew nowDelete');
    const failing = cells('www on edge-a2 (www.example.com)');
    expect(failing[1]).toBe('ACME');
    expect(failing[2]).toMatch(/Renewal failing: 2[45] days left$/);
    expect(failing[3]).toBe(
      `Next renewal ${inDays(0.2).slice(0, 10)}The last 2 attempts failed: www.example.com: the CA could not connect to this agent on port 80 for it — connection refused`,
    );
    expect(cells('mail on edge-a1 (mail.example.com)')[2]).toMatch(/Expires within 7 days: [45] days left$/);
    expect(cells('adfs on edge-a2 (adfs.example.com)')[2]).toMatch(
      /Expires within 30 days: (19|20) days left$/,
    );
    const fine = cells('www on edge-a1 (www.example.com)');
    expect(fine[2]).toMatch(/^\d{4}-\d\d-\d\d(79|80) days left$/);
    expect(fine[3]).toBe(`Next renewal ${inDays(30).slice(0, 10)}`);
    expect(screen.getByRole('note', { name: 'Agents not asked' }).textContent).toContain(
      'edge-a3: the agent is offline',
    );
  });

  it('renews an ACME certificate now on its agent, with the steps, then the new expiry', async () => {
    const reply = deferred<Reply<FanOutResult<AcmeOutcome>>>();
    const { test } = setup({ renewCertificate: () => reply.promise });
    expect(screen.queryByRole('button', { name: /Renew legacy/ })).toBeNull();
    fireEvent.click(await screen.findByRole('button', { name: 'Renew now: www on edge-a2' }));
    await waitFor(() => expect(test.calls.filter((c) => c.channel === 'renewCertificate')).toHaveLength(1));
    const params = test.calls.find((c) => c.channel === 'renewCertificate')!.params as {
      agentIds: string[];
      name: string;
      operationId: string;
    };
    expect(params).toMatchObject({ agentIds: ['a2'], name: 'www' });
    const fetches = test.calls.filter((c) => c.channel === 'fleetCertificates').length;
    act(() =>
      test.emit({
        type: 'progress',
        operationId: params.operationId,
        agentId: 'a2',
        status: 'running',
        message: 'the CA validated www.example.com',
      }),
    );
    const progress = screen.getByRole('region', { name: 'Renewing www on edge-a2' });
    await waitFor(() => expect(progress.textContent).toContain('running: the CA validated www.example.com'));
    await act(async () =>
      reply.resolve(
        ok({
          operationId: params.operationId,
          results: [
            {
              agentId: 'a2',
              ok: true,
              result: {
                name: 'www',
                replaced: true,
                fingerprint: 'NEW',
                notAfter: '2099-03-01T00:00:00.000Z',
                bound: [],
                reloaded: ['secure'],
                nextRenewalAt: '2099-01-01T00:00:00.000Z',
                warnings: [],
              },
            },
          ],
        }),
      ),
    );
    await waitFor(() => expect(progress.textContent).toContain('renews on 2099-01-01. Served by: secure.'));
    // The table is asked again: the renewed certificate's row changes.
    await waitFor(() =>
      expect(test.calls.filter((c) => c.channel === 'fleetCertificates').length).toBeGreaterThan(fetches),
    );
  });
});

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
