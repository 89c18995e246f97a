import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pool } from '../../../shared/model/config.ts';
import { agent, fleet, health } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import {
  createTestApi,
  fail,
  ok,
  type Handlers,
  type TestApi,
} from '../../../test/support/renderer/test-api.ts';
import { configView, exchangeConfig, pool, richPool, richService, service } from './agent-test-data.ts';
import { AgentScreen } from './agent-screen.tsx';

afterEach(cleanup);

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(fleet(agent('a1', 'east'))),
    getAgentConfig: ok(exchangeConfig(7)),
    healthSnapshot: ok(health()),
    ...handlers,
  });
  renderWithApi(<AgentScreen agentId="a1" onSelectAgent={() => {}} />, test);
  return test;
}

async function openNew() {
  const button = screen.getByRole('button', { name: 'New pool' });
  await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
  fireEvent.click(button);
  return screen.getByRole('form', { name: 'New pool' });
}

async function openEdit(name: string) {
  fireEvent.click(await screen.findByRole('button', { name: `Edit pool ${name}` }));
  return screen.getByRole('form', { name: `Edit pool ${name}` });
}

const type = (form: HTMLElement, label: string, value: string) =>
  fireEvent.change(within(form).getByLabelText(label), { target: { value } });
const problemOf = (input: HTMLElement) =>
  document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent;

const upsertCalls = (test: TestApi) => test.calls.filter((c) => c.channel === 'upsertPool');
const sent = (test: TestApi) =>
  upsertCalls(test).at(-1)?.params as { pool: Pool; expectRevision: number; agentId: string };

/** A new pool of one server, checked over HTTP, as an admin fills it in. */
function fillPool(form: HTMLElement) {
  type(form, 'Name', 'app');
  type(form, 'Scheduler', 'weighted-round-robin');
  type(form, 'Persistence', 'source-ip');
  type(form, 'Persistence timeout (s)', '600');
  type(form, 'Health check', 'http');
  type(form, 'Check path', '/health');
  type(form, 'Check interval (ms)', '2500');
  type(form, 'Connect timeout (ms)', '1500');
  type(form, 'Retries', '1');
  fireEvent.click(within(form).getByRole('button', { name: 'Add real server' }));
  type(form, 'Real server 1 name', 'app1');
  type(form, 'Real server 1 address', '10.9.0.1');
  type(form, 'Real server 1 port', '8080');
  type(form, 'Real server 1 weight', '5');
}

describe('New pool', () => {
  it('shows a problem at its field and sends nothing', async () => {
    const test = setup();
    const form = await openNew();
    fillPool(form);
    type(form, 'Real server 1 port', '70000');
    type(form, 'Health check', 'https');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    const port = within(form).getByLabelText('Real server 1 port');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(problemOf(port)).toBe('use 65535 or less');
    expect(upsertCalls(test)).toHaveLength(0);
    // Fixed, the rules across the configuration apply: an https check needs re-encrypt.
    type(form, 'Real server 1 port', '8443');
    // The problem leaves its field with the edit, before the next check.
    expect(port.getAttribute('aria-invalid')).toBeNull();
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    const check = within(form).getByLabelText('Health check');
    expect(problemOf(check)).toBe('an https health check needs reencrypt settings on the pool');
    expect(document.activeElement).toBe(check);
    expect(upsertCalls(test)).toHaveLength(0);
  });

  it('refuses a name the agent has already, which it would otherwise replace', async () => {
    const test = setup();
    const form = await openNew();
    type(form, 'Name', 'cas');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(await within(form).findByText(/"cas" exists already on this agent/)).toBeTruthy();
    expect(upsertCalls(test)).toHaveLength(0);
  });

  it('sends the document and the revision it was opened on, then confirms and refetches', async () => {
    const test = setup({ upsertPool: ok({ revision: 8, created: true }) });
    const form = await openNew();
    fillPool(form);
    const after = exchangeConfig(8).config;
    test.handle(
      'getAgentConfig',
      ok(
        configView('a1', 8, { pools: [...after.pools, pool('app')], virtualServices: after.virtualServices }),
      ),
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));

    expect((await screen.findByText(/Applied — revision 8/)).textContent).toContain('created pool app');
    expect(screen.queryByRole('form')).toBeNull();
    expect(sent(test).agentId).toBe('a1');
    expect(sent(test).expectRevision).toBe(7);
    expect(sent(test).pool).toEqual({
      name: 'app',
      scheduler: 'weighted-round-robin',
      persistence: { mode: 'source-ip', timeoutSeconds: 600 },
      healthCheck: {
        type: 'http',
        path: '/health',
        intervalMs: 2500,
        timeoutMs: 2000,
        rise: 2,
        fall: 3,
        method: 'GET',
        expectStatus: [200],
      },
      timeouts: { connectMs: 1500, serverMs: 60000 },
      retries: 1,
      servers: [
        { name: 'app1', address: '10.9.0.1', port: 8080, weight: 5, enabled: true, maxConnections: 0 },
      ],
    });
    const card = await screen.findByRole('article', { name: 'Pool app' });
    expect(card.textContent).toContain('Used byno virtual service yet');
  });

  it("keeps the input and shows the agent's problems at their fields", async () => {
    setup({
      upsertPool: fail('INVALID_CONFIG', 'the configuration is not valid', {
        agentCode: 'INVALID_CONFIG',
        problems: [
          { path: 'pools[3].servers[0].address', message: 'cannot resolve app1.internal' },
          { path: 'pools[3].reencrypt', message: 'CA "corp" is not in the store' },
        ],
      }),
    });
    const form = await openNew();
    fillPool(form);
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(await within(form).findByText(/The agent refused the pool/)).toBeTruthy();
    expect(problemOf(within(form).getByLabelText('Real server 1 address'))).toBe(
      'cannot resolve app1.internal',
    );
    // Re-encrypt is off in the form: no field shows it, the list on top does.
    expect(within(form).getByText('reencrypt: CA "corp" is not in the store')).toBeTruthy();
    expect((within(form).getByLabelText('Name') as HTMLInputElement).value).toBe('app');
  });
});

describe('Edit a pool', () => {
  it('changes only what the form changed and keeps everything it does not show', async () => {
    const test = setup({ upsertPool: ok({ revision: 8, created: false }) });
    const form = await openEdit('cas');
    expect((within(form).getByLabelText('Name') as HTMLInputElement).readOnly).toBe(true);
    type(form, 'Scheduler', 'round-robin');
    type(form, 'Real server 2 weight', '4');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect((await screen.findByText(/Applied — revision 8/)).textContent).toContain('updated pool cas');

    const original = richPool();
    expect(sent(test).pool).toEqual({
      ...original,
      scheduler: 'round-robin',
      servers: [original.servers[0], { ...original.servers[1], weight: 4 }],
    });
    expect(sent(test).expectRevision).toBe(7);
  });

  it('edits the advanced check settings, folded away until opened, and keeps the rest', async () => {
    const test = setup({ upsertPool: ok({ revision: 8, created: false }) });
    const form = await openEdit('cas');
    const advanced = within(form).getByText('Advanced check settings').closest('details')!;
    expect(advanced.open).toBe(false);
    expect((within(form).getByLabelText('Passing status codes') as HTMLInputElement).value).toBe('200, 204');
    type(form, 'Check method', 'HEAD');
    type(form, 'Check Host header', 'owa.corp.example');
    type(form, 'Passing status codes', '200 301');
    type(form, 'Failures to mark a server down', '5');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);
    const original = richPool();
    expect(sent(test).pool).toEqual({
      ...original,
      healthCheck: {
        ...original.healthCheck,
        method: 'HEAD',
        host: 'owa.corp.example',
        expectStatus: [200, 301],
        fall: 5,
      },
    });
  });

  it('opens the advanced check settings to show a problem at its field', async () => {
    const test = setup();
    const form = await openEdit('cas');
    const advanced = within(form).getByText('Advanced check settings').closest('details')!;
    type(form, 'Passes to mark a server up', '0');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    const rise = within(form).getByLabelText('Passes to mark a server up');
    expect(rise.getAttribute('aria-invalid')).toBe('true');
    expect(problemOf(rise)).toMatch(/1/);
    expect(advanced.open).toBe(true);
    expect(upsertCalls(test)).toHaveLength(0);
  });

  it('removes a real server row', async () => {
    const test = setup({ upsertPool: ok({ revision: 8, created: false }) });
    const form = await openEdit('cas');
    fireEvent.click(within(form).getByRole('button', { name: 'Remove real server 1 (cas1)' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 8/);
    expect(sent(test).pool.servers.map((rs) => rs.name)).toEqual(['cas2']);
  });

  it('files a service refusing the new persistence under persistence', async () => {
    setup({
      getAgentConfig: ok(
        configView('a1', 3, {
          pools: [pool('ts')],
          virtualServices: [service('rdp', { protocol: 'tcp', pool: 'ts', listen: { port: 3389 } })],
        }),
      ),
    });
    const form = await openEdit('ts');
    type(form, 'Persistence', 'cookie');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect(problemOf(within(form).getByLabelText('Persistence'))).toMatch(
      /pool "ts" keeps clients by cookie, which needs an http or https service/,
    );
  });

  it('on a conflict, reloads keeping the edits and the newer hidden fields', async () => {
    const test = setup({
      upsertPool: fail('CONFLICT', 'revision 7 is not the running revision 9', {
        agentCode: 'CONFLICT',
        currentRevision: 9,
      }),
    });
    const form = await openEdit('cas');
    type(form, 'Real server 1 weight', '6');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    expect((await within(form).findByRole('alert')).textContent).toContain(
      'The configuration changed elsewhere (now revision 9)',
    );

    // Meanwhile another console raised cas1's connection limit: the reload must keep it.
    const newer = richPool();
    newer.servers[0] = { ...newer.servers[0]!, maxConnections: 900 };
    test.handle(
      'getAgentConfig',
      ok(
        configView('a1', 9, {
          pools: [newer, pool('ad'), pool('web')],
          virtualServices: [richService(), service('web')],
        }),
      ),
    );
    fireEvent.click(within(form).getByRole('button', { name: 'Reload and keep my edits' }));
    expect(await within(form).findByText(/Reloaded revision 9/)).toBeTruthy();
    expect((within(form).getByLabelText('Real server 1 weight') as HTMLInputElement).value).toBe('6');

    test.handle('upsertPool', ok({ revision: 10, created: false }));
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await screen.findByText(/Applied — revision 10/);
    expect(sent(test).expectRevision).toBe(9);
    expect(sent(test).pool.servers[0]).toMatchObject({ weight: 6, maxConnections: 900 });
  });

  it('says so when the pool was removed elsewhere meanwhile', async () => {
    const test = setup({ upsertPool: fail('CONFLICT', 'stale', { currentRevision: 9 }) });
    const form = await openEdit('web');
    fireEvent.click(within(form).getByRole('button', { name: 'Apply' }));
    await within(form).findByRole('alert');
    test.handle('getAgentConfig', ok(configView('a1', 9)));
    fireEvent.click(within(form).getByRole('button', { name: 'Reload and keep my edits' }));
    expect(
      await within(form).findByText(
        'Reloaded revision 9: "web" was removed elsewhere; applying creates it again.',
      ),
    ).toBeTruthy();
  });
});
