import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PushOutcome } from '../../../shared/ipc/certs.ts';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { Reply } from '../../../shared/ipc/errors.ts';
import { agent, fleet, T0 } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { inspection, LEAF, ROOT } from './cert-fixtures.ts';
import { FleetPanel } from './fleet-panel.tsx';
import { PushPanel } from './push-panel.tsx';

afterEach(cleanup);

const FLEET = fleet(
  { ...agent('a1', 'east'), name: 'edge-1' },
  { ...agent('a2', 'west'), name: 'edge-2' },
  { ...agent('a3', 'west', { kind: 'offline', since: T0, reason: 'timeout', attempts: 2 }), name: 'edge-3' },
);

function setup(handlers: Handlers = {}, inspected = inspection()) {
  const test = createTestApi({
    listAgents: ok(FLEET),
    fleetCertificates: ok({ certificates: [], unreachable: [] }),
    ...handlers,
  });
  const ui = (
    <>
      <PushPanel inspection={inspected} />
      <FleetPanel inspection={inspected} />
    </>
  );
  return { test, ...renderWithApi(ui, test) };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

type PushParams = {
  inspectionId: string;
  targets: { agentId: string; name: string; bind?: string[] }[];
  includeRoot?: boolean;
  force?: boolean;
  operationId: string;
};
/** Lets a wrongly started mutation reach the api before asserting that nothing was sent. */
const settle = () => act(async () => new Promise<void>((r) => setTimeout(r, 0)));

const pushCalls = (test: ReturnType<typeof createTestApi>) =>
  test.calls.filter((c) => c.channel === 'pushCertificate').map((c) => c.params as PushParams);

const outcome = (name: string, extra: Partial<PushOutcome> = {}): PushOutcome => ({
  name,
  replaced: false,
  reloaded: [],
  bound: [],
  warnings: [],
  ...extra,
});

describe('PushPanel', () => {
  it('offers online agents; others are shown disabled with their state', async () => {
    setup();
    const one = (await screen.findByRole('checkbox', { name: /edge-1/ })) as HTMLInputElement;
    const three = screen.getByRole('checkbox', { name: /edge-3/ }) as HTMLInputElement;
    expect(one.disabled).toBe(false);
    expect(three.disabled).toBe(true);
    expect(three.closest('label')?.textContent).toContain('offline');
  });

  it('proposes the entry name `portico cert push` would use for the same certificate', async () => {
    // test/integration/cli-fleet-commands.test.ts pushes a leaf with this CN from the CLI,
    // without --name, and expects the same entry: a renewal from either replaces it.
    const base = inspection();
    const leaf = base.chain[0]!;
    setup(
      {},
      {
        ...base,
        chain: [
          {
            ...leaf,
            summary: {
              ...leaf.summary,
              subject: { cn: 'Exchange 2010 (CAS).', dn: 'CN=Exchange 2010 (CAS).' },
            },
          },
        ],
      },
    );
    const name = (await screen.findByLabelText('Store entry name')) as HTMLInputElement;
    expect(name.value).toBe('Exchange-2010-CAS');
  });

  it('proposes an entry name from the leaf CN and refuses a bad one, sending nothing', async () => {
    const { test } = setup();
    const name = screen.getByLabelText('Store entry name') as HTMLInputElement;
    expect(name.value).toBe('www-example-com');
    fireEvent.click(await screen.findByRole('checkbox', { name: /edge-1/ }));
    fireEvent.change(name, { target: { value: 'web cert' } });
    fireEvent.change(screen.getByLabelText('Bind to virtual services'), { target: { value: 'web, o w.a!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Push to 1 agent' }));
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/Entry name: use 1–63 letters/)).toBeTruthy();
    expect(screen.getByText(/"w.a!" is not a virtual service name/)).toBeTruthy();
    await settle();
    expect(pushCalls(test)).toEqual([]);
  });

  it('pushes a CA bundle (no key) with no binding, and says what it is for', async () => {
    const { test } = setup(
      { pushCertificate: ok({ operationId: 'op', results: [] }) },
      (({ key: _key, ...rest }) => ({ ...rest, chain: [ROOT], caBundle: true }))(inspection()),
    );
    expect(screen.getByRole('heading', { name: 'Push CA bundle to agents' })).toBeTruthy();
    expect(screen.getByText(/stored as a CA bundle, which a re-encrypting pool names/)).toBeTruthy();
    expect(screen.queryByLabelText('Bind to virtual services')).toBeNull();
    fireEvent.click(await screen.findByRole('checkbox', { name: /edge-1/ }));
    fireEvent.change(screen.getByLabelText('Store entry name'), { target: { value: 'internal-ca' } });
    fireEvent.click(screen.getByRole('button', { name: 'Push to 1 agent' }));
    await waitFor(() => expect(pushCalls(test)).toHaveLength(1));
    expect(pushCalls(test)[0]!.targets).toEqual([{ agentId: 'a1', name: 'internal-ca' }]);
  });

  it('asks for an agent before pushing', async () => {
    const { test } = setup();
    await screen.findByRole('checkbox', { name: /edge-1/ });
    fireEvent.click(screen.getByRole('button', { name: 'Push to 0 agents' }));
    expect(screen.getByText('Choose at least one online agent.')).toBeTruthy();
    await settle();
    expect(pushCalls(test)).toEqual([]);
  });

  it('pushes to two agents with a progress bar each, then shows each result, one an error', async () => {
    const reply = deferred<Reply<FanOutResult<PushOutcome>>>();
    const { test } = setup({ pushCertificate: () => reply.promise });
    fireEvent.click(await screen.findByRole('checkbox', { name: /edge-1/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /edge-2/ }));
    fireEvent.change(screen.getByLabelText('Bind to virtual services'), { target: { value: 'web, owa' } });
    fireEvent.click(screen.getByLabelText(/Include the root/));
    fireEvent.click(screen.getByRole('button', { name: 'Push to 2 agents' }));

    await waitFor(() => expect(pushCalls(test)).toHaveLength(1));
    const [params] = pushCalls(test);
    expect(params).toMatchObject({
      inspectionId: 'insp-1',
      includeRoot: true,
      targets: [
        { agentId: 'a1', name: 'www-example-com', bind: ['web', 'owa'] },
        { agentId: 'a2', name: 'www-example-com', bind: ['web', 'owa'] },
      ],
    });
    expect(params).not.toHaveProperty('force');
    // A complete chain needs no confirmation and asks for no exception.
    expect(params).not.toHaveProperty('allowIncomplete');
    expect(params?.operationId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    const operationId = params!.operationId;

    const bar = (name: string) =>
      screen.getByRole('progressbar', { name: `Push on ${name}` }) as HTMLProgressElement;
    expect(bar('edge-1').value).toBe(0);
    expect(screen.getByRole('button', { name: 'Pushing…' })).toBeTruthy();

    act(() => {
      test.emit({ type: 'progress', operationId, agentId: 'a1', status: 'pending' });
      test.emit({ type: 'progress', operationId, agentId: 'a2', status: 'pending' });
      test.emit({
        type: 'progress',
        operationId,
        agentId: 'a1',
        status: 'running',
        message: 'importing "www-example-com"',
      });
      // Another operation's events change nothing here.
      test.emit({ type: 'progress', operationId: 'someone-else', agentId: 'a2', status: 'ok' });
    });
    await waitFor(() => expect(bar('edge-1').value).toBe(1));
    expect(bar('edge-2').value).toBe(0);
    expect(screen.getByRole('listitem', { name: 'edge-1' }).textContent).toContain(
      'running: importing "www-example-com"',
    );
    expect(screen.getByRole('listitem', { name: 'edge-2' }).textContent).toContain('queued');

    act(() => {
      test.emit({ type: 'progress', operationId, agentId: 'a1', status: 'ok' });
      test.emit({
        type: 'progress',
        operationId,
        agentId: 'a2',
        status: 'error',
        message: 'the agent refused the chain',
        error: { code: 'CERT_ERROR', message: 'the agent refused the chain' },
      });
    });
    await waitFor(() => expect(bar('edge-2').value).toBe(2));
    expect(bar('edge-1').value).toBe(2);

    const usageBefore = test.calls.filter((c) => c.channel === 'fleetCertificates').length;
    await act(async () =>
      reply.resolve(
        ok({
          operationId,
          results: [
            {
              agentId: 'a1',
              ok: true,
              result: outcome('www-example-com', {
                replaced: true,
                reloaded: ['owa'],
                bound: ['web'],
                warnings: [{ code: 'EXPIRES_SOON', message: 'it expires in 20 days' }],
              }),
            },
            {
              agentId: 'a2',
              ok: false,
              error: { code: 'CERT_ERROR', message: 'the agent refused the chain' },
            },
          ],
        }),
      ),
    );
    const one = screen.getByRole('listitem', { name: 'edge-1' });
    await waitFor(() =>
      expect(one.textContent).toContain('Stored as “www-example-com”, replacing the previous certificate.'),
    );
    expect(one.textContent).toContain('Reloaded: owa.');
    expect(one.textContent).toContain('Bound to: web.');
    expect(one.textContent).toContain('Warning: It expires in 20 days.');
    const two = screen.getByRole('listitem', { name: 'edge-2' });
    expect(within(two).getByRole('alert').textContent).toBe('the agent refused the chain');
    expect(within(two).getByRole('alert').dataset.code).toBe('CERT_ERROR');
    expect(two.textContent).toContain('failed');
    // A push that stored something refreshes where certificates are used.
    await waitFor(() =>
      expect(test.calls.filter((c) => c.channel === 'fleetCertificates').length).toBeGreaterThan(usageBefore),
    );
  });

  it('says a chain is incomplete, and pushes it only once the admin confirms without the named issuer', async () => {
    const issuer = { cn: 'Example Issuing CA', dn: 'CN=Example Issuing CA, O=Example' };
    const message = `the chain stops at CN=www.example.com: its issuer CN=Example Issuing CA was found nowhere (in the files, the Console's library, or at the AIA URL) — clients that do not have it will fail with "unable to get local issuer certificate"; drop the intermediate certificate file beside the PFX, or push anyway after confirming`;
    const { test } = setup(
      {},
      inspection({
        chain: [LEAF],
        complete: false,
        trusted: false,
        missing: { subject: LEAF.summary.subject, fingerprint: LEAF.summary.fingerprint, issuer, aia: [] },
        incomplete: { code: 'CHAIN_INCOMPLETE', message, fingerprint: LEAF.summary.fingerprint },
      }),
    );
    const notice = screen.getByText(/^Incomplete chain:/).closest('p')!;
    expect(notice.textContent).toContain(
      'The chain stops at CN=www.example.com: its issuer CN=Example Issuing CA',
    );
    const pushButton = screen.getByRole('button', { name: 'Push to 0 agents' });
    expect(pushButton.getAttribute('aria-describedby')).toBe(notice.id);

    fireEvent.click(await screen.findByRole('checkbox', { name: /edge-1/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Push to 1 agent' }));
    const ask = screen.getByRole('group', { name: /^Push without Example Issuing CA\?/ });
    expect(ask.textContent).toContain('Clients that do not have Example Issuing CA cannot build the chain');
    await settle();
    expect(pushCalls(test)).toEqual([]);

    // Cancel sends nothing and puts the form back.
    fireEvent.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('group', { name: /^Push without/ })).toBeNull();
    await settle();
    expect(pushCalls(test)).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Push to 1 agent' }));
    fireEvent.click(screen.getByRole('button', { name: 'Push anyway without Example Issuing CA' }));
    await waitFor(() => expect(pushCalls(test)).toHaveLength(1));
    expect(pushCalls(test)[0]).toMatchObject({
      inspectionId: 'insp-1',
      targets: [{ agentId: 'a1', name: 'www-example-com' }],
      allowIncomplete: true,
    });
    expect(screen.queryByRole('group', { name: /^Push without/ })).toBeNull();
  });

  it('keeps a refused push on screen', async () => {
    setup({
      pushCertificate: {
        error: { code: 'NOT_FOUND', message: 'That inspection is gone: drop the files again.' },
      },
    });
    fireEvent.click(await screen.findByRole('checkbox', { name: /edge-1/ }));
    fireEvent.click(screen.getByLabelText(/Force/));
    fireEvent.click(screen.getByRole('button', { name: 'Push to 1 agent' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Push failed: That inspection is gone');
  });
});
