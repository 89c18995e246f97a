import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { Reply } from '../../../shared/ipc/errors.ts';
import type { TemplateApplied, TemplatePreview } from '../../../shared/ipc/templates.ts';
import { agent, fleet, T0 } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import {
  createTestApi,
  fail,
  ok,
  type Handlers,
  type TestApi,
} from '../../../test/support/renderer/test-api.ts';
import { pool, service } from '../../../test/support/reported-objects.ts';
import { TemplatesScreen } from './templates-screen.tsx';
import { importedTcp, lync, offload, placement, tcpDocument, usage } from './test-templates.ts';

afterEach(cleanup);

const OFFLINE = { kind: 'offline', since: T0, reason: 'connect ECONNREFUSED', attempts: 2 } as const;
const AGENTS = fleet(
  agent('edge-1', 'east'),
  agent('edge-2', 'east'),
  agent('edge-3', 'west', OFFLINE),
  agent('edge-4', 'west'),
);

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listTemplates: ok({ templates: [lync, offload, importedTcp] }),
    listAgents: ok(AGENTS),
    certificateUsage: ok(
      usage(
        [placement('edge-1', 'lyncweb', ['lync-https']), placement('edge-2', 'lyncweb')],
        [placement('edge-1', 'www')],
      ),
    ),
    ...handlers,
  });
  return { test, ...renderWithApi(<TemplatesScreen />, test) };
}

const field = (label: RegExp) => screen.getByLabelText(label) as HTMLInputElement & HTMLSelectElement;
const change = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });
const calls = (test: TestApi, channel: string) => test.calls.filter((c) => c.channel === channel);

async function pick(name: RegExp) {
  fireEvent.click(await screen.findByRole('radio', { name }));
}

async function tick(...ids: string[]) {
  for (const id of ids)
    fireEvent.click(await screen.findByRole('checkbox', { name: new RegExp(`^${id}\\b`) }));
}

/** The Lync template filled in as an admin would: a certificate, two Front Ends, the CA. */
async function fillLync() {
  await pick(/Lync/);
  await waitFor(() => expect(screen.getByRole('option', { name: /^lyncweb/ })).toBeTruthy());
  change(field(/^Public certificate/), 'lyncweb');
  change(screen.getByLabelText('Name of server 1'), 'fe01');
  change(screen.getByLabelText('Address of server 1'), '10.0.2.11');
  fireEvent.click(screen.getByRole('button', { name: 'Add server' }));
  change(screen.getByLabelText('Name of server 2'), 'fe02');
  change(screen.getByLabelText('Address of server 2'), '10.0.2.12');
  change(field(/^CA of the Front End certificates/), 'internal-ca');
}

const LYNC_PARAMS = {
  name: 'lync',
  listenAddress: '0.0.0.0',
  httpsPort: 443,
  httpPort: 80,
  certificate: 'lyncweb',
  servers: [
    { name: 'fe01', address: '10.0.2.11' },
    { name: 'fe02', address: '10.0.2.12' },
  ],
  serverHttpsPort: 4443,
  serverHttpPort: 8080,
  backendVerify: 'ca',
  backendCa: 'internal-ca',
  cookieName: 'MS-WSMAN',
  idleTimeoutMs: 1800000,
};

const PREVIEW: FanOutResult<TemplatePreview> = {
  operationId: 'preview-op',
  results: [
    {
      agentId: 'edge-1',
      ok: true,
      result: {
        revision: 7,
        changes: [
          {
            op: 'add',
            kind: 'pool',
            name: 'lync-fe-https',
            after: pool('lync-fe-https', [
              ['fe01', '10.0.2.11', 4443],
              ['fe02', '10.0.2.12', 4443],
            ]),
          },
          {
            op: 'add',
            kind: 'virtualService',
            name: 'lync-https',
            after: service('lync-https', 443, 'lync-fe-https', {
              protocol: 'https',
              tls: { certificates: ['lyncweb'] },
            }),
          },
          {
            op: 'replace',
            kind: 'pool',
            name: 'lync-fe-http',
            before: pool('lync-fe-http', [['fe01', '10.0.2.11', 8080]]),
            after: pool('lync-fe-http', [
              ['fe01', '10.0.2.11', 8080],
              ['fe02', '10.0.2.12', 8080],
            ]),
            fields: ['servers["fe02"]'],
          },
          {
            op: 'replace',
            kind: 'virtualService',
            name: 'lync-http',
            before: service('lync-http', 8080, 'lync-fe-http'),
            after: service('lync-http', 80, 'lync-fe-http'),
            fields: ['listen.port'],
          },
          {
            op: 'remove',
            kind: 'virtualService',
            name: 'old-owa',
            before: service('old-owa', 8443, 'old-cas'),
          },
        ],
        unchanged: [],
      },
    },
    {
      agentId: 'edge-2',
      ok: true,
      result: {
        revision: 3,
        changes: [],
        unchanged: [
          { kind: 'pool', name: 'lync-fe-https' },
          { kind: 'pool', name: 'lync-fe-http' },
          { kind: 'virtualService', name: 'lync-https' },
          { kind: 'virtualService', name: 'lync-http' },
        ],
      },
    },
    {
      agentId: 'edge-4',
      ok: false,
      error: {
        code: 'TEMPLATE_INVALID',
        message: 'the template cannot be applied: params.certificate: no certificate "lyncweb" in the store',
        details: {
          agentCode: 'TEMPLATE_INVALID',
          problems: [
            {
              path: 'params.certificate',
              message: 'no certificate "lyncweb" in the store',
              params: ['certificate'],
            },
            { path: 'params.backendCa', message: 'no CA bundle "internal-ca" in the store' },
            {
              path: 'pools[0].servers[1].port',
              message: 'Too big: expected number to be <=65535',
              params: ['serverHttpsPort'],
              pool: 'lync-fe-https',
            },
          ],
        },
      },
    },
  ],
};

/** Lync filled in on edge-1, edge-2 and edge-4, previewed. */
async function previewed(handlers: Handlers = {}) {
  const ctx = setup({ previewTemplate: ok(PREVIEW), ...handlers });
  await fillLync();
  await tick('edge-1', 'edge-2', 'edge-4');
  fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
  await screen.findByRole('listitem', { name: 'Preview on edge-1' });
  return ctx;
}

describe('TemplatesScreen: choosing a template', () => {
  it('lists templates with name, version, description and source, and builds the form of the one picked', async () => {
    setup();
    const lyncOption = await screen.findByRole('radio', { name: /Lync \/ Skype for Business reverse proxy/ });
    const label = lyncOption.closest('label')!;
    expect(label.textContent).toContain(`v${lync.template.version}`);
    expect(label.textContent).toContain('built-in');
    expect(label.textContent).toContain('Front End pool');
    expect(screen.getByRole('radio', { name: /RDP farm/ }).closest('label')!.textContent).toContain(
      'imported',
    );
    expect(screen.queryByRole('form')).toBeNull();

    fireEvent.click(lyncOption);
    expect((lyncOption as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('heading', { name: /Parameters of Lync/ })).toBeTruthy();
  });

  it('opens on the template the address names, and tells each choice for the address', async () => {
    const chosen: (string | undefined)[] = [];
    const test = createTestApi({
      listTemplates: ok({ templates: [lync, offload, importedTcp] }),
      listAgents: ok(AGENTS),
    });
    const key = `builtin:${lync.template.id}`;
    renderWithApi(<TemplatesScreen initialTemplate={key} onTemplate={(k) => chosen.push(k)} />, test);
    const lyncOption = await screen.findByRole('radio', { name: /Lync \/ Skype for Business reverse proxy/ });
    await waitFor(() => expect((lyncOption as HTMLInputElement).checked).toBe(true));
    expect(screen.getByRole('heading', { name: /Parameters of Lync/ })).toBeTruthy();
    // Opened from the address: nothing to write back.
    expect(chosen).toEqual([]);
    await pick(/RDP farm/);
    expect(chosen).toEqual([`imported:${importedTcp.template.id}`]);
  });

  it('shows a failed listing inline, with a retry', async () => {
    const { test } = setup({ listTemplates: fail('INTERNAL', 'library unreadable (ref 9)') });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('library unreadable (ref 9)');
    test.handle('listTemplates', ok({ templates: [lync] }));
    fireEvent.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('radio', { name: /Lync/ })).toBeTruthy();
  });
});

describe('TemplatesScreen: the parameter form', () => {
  it('prefills defaults, marks required fields, and gives each type its kind of field', async () => {
    setup();
    await pick(/Lync/);
    expect(field(/^Service name/).value).toBe('lync');
    expect(field(/^Public HTTPS port/).type).toBe('number');
    expect(field(/^Public HTTPS port/).value).toBe('443');
    expect(field(/^Idle timeout/).value).toBe('1800000');
    expect(field(/^Public certificate/).tagName).toBe('SELECT');
    expect(field(/^Public certificate/).getAttribute('aria-required')).toBe('true');
    expect(field(/^Service name/).getAttribute('aria-required')).toBeNull();
    // The description is the field's help text.
    expect(field(/^Virtual IP/).getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText(/0\.0\.0\.0 listens on every interface/)).toBeTruthy();

    const verify = field(/^Verify Front End certificates/);
    expect(verify.tagName).toBe('SELECT');
    expect(verify.selectedOptions[0]!.textContent).toBe('ca');
    // The Lync template sets every server's port: rows have no port column.
    const servers = screen.getByRole('group', { name: /Front End servers/ });
    expect(within(servers).queryByLabelText('Port of server 1')).toBeNull();
    expect(within(servers).getByLabelText('Weight of server 1')).toBeTruthy();
  });

  it('shows a conditional parameter only while its condition holds', async () => {
    setup();
    await pick(/Lync/);
    expect(field(/^CA of the Front End certificates/)).toBeTruthy();
    change(field(/^Verify Front End certificates/), '1'); // "none"
    expect(screen.queryByLabelText(/^CA of the Front End certificates/)).toBeNull();
  });

  it('offers a per-server port with the default it falls back to when the template allows one', async () => {
    setup();
    await pick(/HTTPS offload/i);
    const port = screen.getByLabelText('Port of server 1');
    expect(port.getAttribute('placeholder')).toMatch(/^80 \(/);
  });

  it('names problems next to their fields and sends nothing', async () => {
    const { test } = setup({ previewTemplate: ok(PREVIEW) });
    await pick(/Lync/);
    await tick('edge-1');
    change(field(/^Service name/), 'bad name!');
    change(field(/^Public HTTPS port/), '70000');
    change(screen.getByLabelText('Address of server 1'), '10.0.2.11');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));

    expect(screen.getByRole('alert').textContent).toMatch(/parameters need attention; nothing was sent/);
    const problemOf = (el: HTMLElement) =>
      document.getElementById(el.getAttribute('aria-describedby')!.split(' ').at(-1)!)!.textContent;
    expect(problemOf(field(/^Service name/))).toContain('use up to 51 letters');
    expect(problemOf(field(/^Public HTTPS port/))).toBe('use a port number 1–65535');
    expect(problemOf(field(/^Public certificate/))).toBe('required');
    expect(problemOf(field(/^CA of the Front End certificates/))).toBe('required');
    expect(problemOf(screen.getByLabelText('Name of server 1'))).toMatch(/use 1–63 letters/);
    expect(field(/^Service name/).getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(field(/^Service name/));
    expect(calls(test, 'previewTemplate')).toHaveLength(0);

    // The problem follows the edit.
    change(field(/^Service name/), 'lync2');
    expect(field(/^Service name/).getAttribute('aria-invalid')).toBeNull();
  });

  it('offers the certificate entries the chosen agents hold, says where one is missing, and takes a typed name', async () => {
    const { test } = setup({ previewTemplate: ok(PREVIEW) });
    await pick(/Lync/);
    const cert = field(/^Public certificate/);
    await waitFor(() => expect(within(cert).getByRole('option', { name: /^lyncweb/ })).toBeTruthy());
    // No agent chosen yet: every entry in the fleet.
    expect(within(cert).getByRole('option', { name: 'lyncweb (on edge-1, edge-2)' })).toBeTruthy();
    expect(within(cert).getByRole('option', { name: 'www (on edge-1)' })).toBeTruthy();

    await tick('edge-2', 'edge-4');
    expect(within(cert).queryByRole('option', { name: /^www/ })).toBeNull();
    expect(within(cert).getByRole('option', { name: 'lyncweb (on edge-2; not on edge-4)' })).toBeTruthy();
    change(cert, 'lyncweb');
    expect(
      screen.getByText(/lyncweb is on edge-2; not on edge-4: the preview fails where it is missing/),
    ).toBeTruthy();

    change(cert, within(cert).getByRole('option', { name: 'Type a name…' }).getAttribute('value')!);
    change(screen.getByLabelText('Public certificate: entry name'), 'lync-2025');
    change(screen.getByLabelText('Name of server 1'), 'fe01');
    change(screen.getByLabelText('Address of server 1'), '10.0.2.11');
    change(field(/^CA of the Front End certificates/), 'internal-ca');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(calls(test, 'previewTemplate')).toHaveLength(1));
    expect(calls(test, 'previewTemplate')[0]!.params).toMatchObject({ params: { certificate: 'lync-2025' } });
  });

  it('sends the real-server rows as added and removed, blank rows left out', async () => {
    const { test } = setup({ previewTemplate: ok(PREVIEW) });
    await pick(/HTTPS offload/i);
    await tick('edge-1');
    await waitFor(() => expect(screen.getByRole('option', { name: /^www/ })).toBeTruthy());
    change(field(/^Certificate/), 'www');
    const add = screen.getByRole('button', { name: 'Add server' });
    change(screen.getByLabelText('Name of server 1'), 'web01');
    change(screen.getByLabelText('Address of server 1'), '10.0.3.11');
    fireEvent.click(add);
    // The new row has the focus: the list is built from the keyboard.
    expect(document.activeElement).toBe(screen.getByLabelText('Name of server 2'));
    change(screen.getByLabelText('Name of server 2'), 'web02');
    change(screen.getByLabelText('Address of server 2'), '10.0.3.12');
    change(screen.getByLabelText('Port of server 2'), '8080');
    change(screen.getByLabelText('Weight of server 2'), '3');
    fireEvent.click(add);
    change(screen.getByLabelText('Name of server 3'), 'web03');
    change(screen.getByLabelText('Address of server 3'), '10.0.3.13');
    fireEvent.click(add); // left blank
    fireEvent.click(screen.getByRole('button', { name: 'Remove server 1' }));
    expect((screen.getByLabelText('Name of server 1') as HTMLInputElement).value).toBe('web02');

    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(calls(test, 'previewTemplate')).toHaveLength(1));
    expect(calls(test, 'previewTemplate')[0]!.params).toMatchObject({
      template: 'https-offload',
      agentIds: ['edge-1'],
      params: {
        servers: [
          { name: 'web02', address: '10.0.3.12', port: 8080, weight: 3 },
          { name: 'web03', address: '10.0.3.13' },
        ],
      },
    });
  });

  it('names a problem in a real-server row at that row', async () => {
    const { test } = setup();
    await pick(/HTTPS offload/i);
    await tick('edge-1');
    change(field(/^Certificate/), 'www');
    change(screen.getByLabelText('Name of server 1'), 'web01');
    change(screen.getByLabelText('Address of server 1'), '10.0.3.11');
    fireEvent.click(screen.getByRole('button', { name: 'Add server' }));
    change(screen.getByLabelText('Name of server 2'), 'web01');
    change(screen.getByLabelText('Address of server 2'), 'bad address');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const row2 = screen.getByRole('row', { name: 'Server 2' });
    expect(row2.textContent).toContain('"web01" is already the name of server 1');
    expect(row2.textContent).toContain('use an IP address or a host name');
    expect(calls(test, 'previewTemplate')).toHaveLength(0);
  });
});

describe('TemplatesScreen: agents', () => {
  it('groups agents by site and disables the ones not connected, saying their state', async () => {
    setup();
    await pick(/Lync/);
    const west = await screen.findByRole('group', { name: 'west' });
    const offline = within(west).getByRole('checkbox', { name: /edge-3/ }) as HTMLInputElement;
    expect(offline.disabled).toBe(true);
    expect(offline.closest('label')!.textContent).toContain('offline');
    expect((within(west).getByRole('checkbox', { name: /edge-4/ }) as HTMLInputElement).disabled).toBe(false);
    expect(within(screen.getByRole('group', { name: 'east' })).getAllByRole('checkbox')).toHaveLength(2);
    expect((screen.getByRole('button', { name: 'Preview' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('TemplatesScreen: preview', () => {
  it("sends the built-in by id with the typed values, and shows each agent's changes and errors", async () => {
    const { test } = await previewed();
    expect(calls(test, 'previewTemplate')[0]!.params).toEqual({
      template: 'lync-reverse-proxy',
      params: LYNC_PARAMS,
      agentIds: ['edge-1', 'edge-2', 'edge-4'],
    });

    const e1 = screen.getByRole('listitem', { name: 'Preview on edge-1' });
    expect(e1.textContent).toContain('Computed against revision 7.');
    const changes = within(e1)
      .getAllByRole('listitem')
      .filter((li) => li.classList.contains('tpl-change'))
      .map((li) => li.textContent);
    expect(changes).toEqual([
      'add Add pool lync-fe-https: 2 real servers: fe01 10.0.2.11:4443, fe02 10.0.2.12:4443',
      'add Add virtual service lync-https: https on 0.0.0.0:443 → pool lync-fe-https',
      'replace Replace pool lync-fe-http: 1 field changesservers["fe02"]: (none) → fe02 10.0.2.12:8080, weight 1',
      'replace Replace virtual service lync-http: 1 field changeslisten.port: 8080 → 80',
      'remove Remove virtual service old-owa (http on 0.0.0.0:8443 → pool old-cas)',
    ]);

    const e2 = screen.getByRole('listitem', { name: 'Preview on edge-2' });
    expect(e2.textContent).toContain('Nothing would change.');
    expect(e2.textContent).toContain(
      'Unchanged (written as they already are): pools lync-fe-https, lync-fe-http and virtual services lync-https, lync-http',
    );

    const e4 = screen.getByRole('listitem', { name: 'Preview on edge-4' });
    expect(within(e4).getByRole('alert').getAttribute('data-code')).toBe('TEMPLATE_INVALID');
    const problems = within(e4).getByRole('list', { name: 'Problems' });
    expect(problems.textContent).toContain('params.certificate: no certificate "lyncweb" in the store');
    expect(problems.textContent).toContain('params.backendCa: no CA bundle "internal-ca" in the store');
    expect(problems.textContent).toContain(
      'pools[0].servers[1].port: Too big: expected number to be <=65535 (in pool lync-fe-https)',
    );

    expect(screen.getByRole('button', { name: 'Apply to 2 agents' })).toBeTruthy();
  });

  it('sends an imported template as the whole document', async () => {
    const { test } = setup({ previewTemplate: ok({ operationId: 'x', results: [] }) });
    await pick(/RDP farm/);
    await tick('edge-1');
    change(field(/^Port \*$/), '3389');
    change(screen.getByLabelText('Name of server 1'), 'rdp01');
    change(screen.getByLabelText('Address of server 1'), '10.0.4.11');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(calls(test, 'previewTemplate')).toHaveLength(1));
    const sent = calls(test, 'previewTemplate')[0]!.params as { template: Record<string, unknown> };
    expect(sent.template).toMatchObject({
      id: 'rdp-farm',
      pools: tcpDocument.pools,
      virtualServices: tcpDocument.virtualServices,
    });
  });

  it('shows a refused preview call inline', async () => {
    setup({ previewTemplate: fail('INVALID_PARAMS', 'agentIds: an agent is named twice') });
    await fillLync();
    await tick('edge-1');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Preview failed: agentIds: an agent is named twice',
    );
  });

  it('disables Apply once the values or the agents change after the preview', async () => {
    await previewed();
    const apply = () => screen.getByRole('button', { name: /^Apply to/ }) as HTMLButtonElement;
    expect(apply().disabled).toBe(false);

    change(field(/^Service name/), 'lync2');
    expect(apply().disabled).toBe(true);
    expect(screen.getByText(/changed since this preview: preview again before applying/)).toBeTruthy();
    // Exactly the values shown: back to them, the preview holds again.
    change(field(/^Service name/), 'lync');
    expect(apply().disabled).toBe(false);

    await tick('edge-4');
    expect(apply().disabled).toBe(true);
  });
});

describe('TemplatesScreen: apply', () => {
  it("applies with each agent's previewed revision, follows progress and shows each result", async () => {
    let answer!: (reply: Reply<FanOutResult<TemplateApplied>>) => void;
    const { test } = await previewed({
      applyTemplate: () => new Promise((resolve) => (answer = resolve)),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 2 agents' }));

    await waitFor(() => expect(calls(test, 'applyTemplate')).toHaveLength(1));
    const sent = calls(test, 'applyTemplate')[0]!.params as { operationId: string };
    expect(sent).toEqual({
      template: 'lync-reverse-proxy',
      params: LYNC_PARAMS,
      // edge-4's preview failed: it is not applied to.
      targets: [
        { agentId: 'edge-1', expectRevision: 7 },
        { agentId: 'edge-2', expectRevision: 3 },
      ],
      operationId: expect.stringMatching(/^[A-Za-z0-9_-]{8,64}$/),
    });
    const { operationId } = sent;

    const bar = (id: string) => screen.getByLabelText(`Progress on ${id}`) as HTMLProgressElement;
    const row = (id: string) => screen.getByRole('listitem', { name: `Apply on ${id}` });
    expect(bar('edge-1').value).toBe(0);
    expect(row('edge-1').textContent).toContain('waiting');

    act(() => {
      test.emit({
        type: 'progress',
        operationId,
        agentId: 'edge-1',
        status: 'running',
        message: 'writing lync-https',
      });
      test.emit({ type: 'progress', operationId: 'another-op', agentId: 'edge-2', status: 'ok' });
    });
    await waitFor(() => expect(bar('edge-1').value).toBe(1));
    expect(row('edge-1').textContent).toContain('applying: writing lync-https');
    expect(bar('edge-2').value).toBe(0);
    // Events were missed (browser mode reconnected): the views refetch, the progress stays.
    act(() => test.emit({ type: 'resync' }));
    await waitFor(() => expect(calls(test, 'listTemplates').length).toBeGreaterThan(1));
    expect(bar('edge-1').value).toBe(1);

    act(() => test.emit({ type: 'progress', operationId, agentId: 'edge-1', status: 'ok' }));
    await waitFor(() => expect(bar('edge-1').value).toBe(2));
    expect(row('edge-1').textContent).toContain('done');

    await act(async () =>
      answer(
        ok({
          operationId,
          results: [
            {
              agentId: 'edge-1',
              ok: true,
              result: {
                revision: 8,
                created: [
                  { kind: 'pool', name: 'lync-fe-https' },
                  { kind: 'virtualService', name: 'lync-https' },
                ],
                replaced: [{ kind: 'virtualService', name: 'lync-http' }],
                unchanged: [],
              },
            },
            {
              agentId: 'edge-2',
              ok: false,
              error: {
                code: 'CONFLICT',
                message: 'revision 4 is running, not 3',
                details: { agentCode: 'CONFLICT', currentRevision: 4 },
              },
            },
          ],
        }),
      ),
    );
    await waitFor(() => expect(row('edge-1').textContent).toContain('Revision 8 now running.'));
    expect(row('edge-1').textContent).toContain(
      'Added pool lync-fe-https and virtual service lync-https. Replaced virtual service lync-http.',
    );
    expect(bar('edge-2').value).toBe(2);
    expect(within(row('edge-2')).getByRole('alert').getAttribute('data-code')).toBe('CONFLICT');
    expect(row('edge-2').textContent).toMatch(
      /changed since the preview \(revision 4 runs now\).*Preview again/,
    );
    // This preview was applied: applying it again could only conflict.
    expect((screen.getByRole('button', { name: 'Apply to 2 agents' }) as HTMLButtonElement).disabled).toBe(
      true,
    );
  });
});

describe('TemplatesScreen: a template file', () => {
  const load = (content: string, name = 'mine.json') =>
    fireEvent.change(screen.getByLabelText('Load a template file'), {
      target: { files: [new File([content], name, { type: 'application/json' })] },
    });

  it('refuses a file that is not JSON, or not an object, saying why', async () => {
    setup();
    await screen.findByRole('radio', { name: /Lync/ });
    load('{ "id": "broken", ', 'broken.json');
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /Cannot use this file: broken\.json is not JSON/,
    );
    load('[1, 2]', 'list.json');
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toContain(
        'list.json is not a template: a template file holds one JSON object',
      ),
    );
    expect(screen.queryByRole('form')).toBeNull();
  });

  it('builds the form from a loaded file and previews the document as it was read', async () => {
    const doc = { ...tcpDocument, id: 'my-tcp', name: 'My TCP service' };
    const { test } = setup({ previewTemplate: ok({ operationId: 'x', results: [] }) });
    await screen.findByRole('radio', { name: /Lync/ });
    load(JSON.stringify(doc));
    const option = await screen.findByRole('radio', { name: /My TCP service/ });
    expect((option as HTMLInputElement).checked).toBe(true);
    expect(option.closest('label')!.textContent).toContain('from file');
    await tick('edge-1');
    change(field(/^Port \*$/), '3389');
    change(screen.getByLabelText('Name of server 1'), 'rdp01');
    change(screen.getByLabelText('Address of server 1'), '10.0.4.11');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(calls(test, 'previewTemplate')).toHaveLength(1));
    expect(calls(test, 'previewTemplate')[0]!.params).toMatchObject({ template: doc });
  });

  it("says what this Console finds wrong with a loaded file, and the agents' words on preview", async () => {
    const doc = { id: 'typo', version: 1, name: 'Typo', virtualServices: [{ name: '{{nmae}}' }] };
    setup({
      previewTemplate: ok({
        operationId: 'x',
        results: [
          {
            agentId: 'edge-1',
            ok: false,
            error: {
              code: 'TEMPLATE_INVALID',
              message: 'the template is not valid',
              details: {
                problems: [{ path: 'virtualServices[0].name', message: 'unknown parameter "nmae"' }],
              },
            },
          },
        ],
      }),
    });
    await screen.findByRole('radio', { name: /Lync/ });
    load(JSON.stringify(doc));
    expect((await screen.findByRole('status')).textContent).toContain(
      'virtualServices[0].name: unknown parameter "nmae"',
    );
    await tick('edge-1');
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const e1 = await screen.findByRole('listitem', { name: 'Preview on edge-1' });
    expect(within(e1).getByRole('list', { name: 'Problems' }).textContent).toContain(
      'unknown parameter "nmae"',
    );
  });
});

describe('TemplatesScreen: the fix and the retry of failed agents', () => {
  const missingCert = (agentId: string) => ({
    agentId,
    ok: false as const,
    error: {
      code: 'INVALID_CONFIG' as const,
      message: `Applying here would fail: certificate "lyncweb", named by virtual service lync-https, is not in ${agentId}'s store: push it to ${agentId} (Certificates), then retry.`,
      details: {
        storeProblems: [
          {
            kind: 'certificate',
            name: 'lyncweb',
            reason: 'missing',
            usedBy: { kind: 'virtualService', name: 'lync-https' },
          },
        ],
      },
    },
  });
  const okPreview = (agentId: string, revision: number) => ({
    agentId,
    ok: true as const,
    result: { revision, changes: [], unchanged: [] },
  });

  it('offers the push for a certificate an agent lacks, then previews and applies only that agent', async () => {
    const { test } = await previewed({
      previewTemplate: ok({ operationId: 'p1', results: [okPreview('edge-1', 7), missingCert('edge-2')] }),
    });
    const e2 = screen.getByRole('listitem', { name: 'Preview on edge-2' });
    expect(within(e2).getByText(/To fix:/).textContent).toBe(
      'To fix: push “lyncweb” to edge-2 from Certificates, then retry the failed agents.',
    );
    expect(within(e2).getByRole('link', { name: 'Certificates' }).getAttribute('href')).toBe(
      '#/certificates',
    );
    // What Apply reaches is what the preview says will work.
    expect(screen.getByRole('button', { name: 'Apply to 1 agent' })).toBeTruthy();

    // The certificate pushed meanwhile: the retry previews edge-2 alone.
    test.handle('previewTemplate', ok({ operationId: 'p2', results: [okPreview('edge-2', 4)] }));
    fireEvent.click(screen.getByRole('button', { name: 'Retry the failed agents (1)' }));
    await waitFor(() => expect(calls(test, 'previewTemplate')).toHaveLength(2));
    expect((calls(test, 'previewTemplate')[1]!.params as { agentIds: string[] }).agentIds).toEqual([
      'edge-2',
    ]);
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'Preview on edge-1' })).toBeNull());

    test.handle('applyTemplate', (p) =>
      ok({
        operationId: p.operationId ?? 'a1',
        results: [
          { agentId: 'edge-2', ok: true, result: { revision: 5, created: [], replaced: [], unchanged: [] } },
        ],
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 1 agent' }));
    await waitFor(() => expect(calls(test, 'applyTemplate')).toHaveLength(1));
    expect((calls(test, 'applyTemplate')[0]!.params as { targets: unknown }).targets).toEqual([
      { agentId: 'edge-2', expectRevision: 4 },
    ]);
  });

  it('retries the agents whose apply failed, previewing them again first', async () => {
    const { test } = await previewed({
      previewTemplate: ok({ operationId: 'p1', results: [okPreview('edge-1', 7), okPreview('edge-2', 3)] }),
      applyTemplate: (p) =>
        ok({
          operationId: p.operationId ?? 'a1',
          results: [
            {
              agentId: 'edge-1',
              ok: true,
              result: { revision: 8, created: [], replaced: [], unchanged: [] },
            },
            { agentId: 'edge-2', ok: false, error: { code: 'AGENT_OFFLINE', message: 'edge-2 is offline' } },
          ],
        }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 2 agents' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Retry the failed agents (1)' }));
    await waitFor(() => expect(calls(test, 'previewTemplate')).toHaveLength(2));
    expect((calls(test, 'previewTemplate')[1]!.params as { agentIds: string[] }).agentIds).toEqual([
      'edge-2',
    ]);
    // The finished apply's results give way to the new preview.
    await waitFor(() => expect(screen.queryByRole('listitem', { name: 'Apply on edge-1' })).toBeNull());
  });
});
