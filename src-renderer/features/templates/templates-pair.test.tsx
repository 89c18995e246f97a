import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FanOutResult } from '../../../shared/ipc/channel.ts';
import type { TemplatePreview } from '../../../shared/ipc/templates.ts';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { member, pairView } from '../../../test/support/renderer/ha-fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { TemplatesScreen } from './templates-screen.tsx';
import { importedTcp, lync, offload, placement, usage } from './test-templates.ts';

afterEach(cleanup);

const preview = (revisions: Record<string, number>): FanOutResult<TemplatePreview> => ({
  operationId: 'p',
  results: Object.entries(revisions).map(([agentId, revision]) => ({
    agentId,
    ok: true,
    result: { revision, changes: [], unchanged: [{ kind: 'pool', name: 'lync-fe-https' }] },
  })),
});

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    listTemplates: ok({ templates: [lync, offload, importedTcp] }),
    listAgents: ok(fleet(agent('lb1', 'east'), agent('lb2', 'east'), agent('solo', 'west'))),
    certificateUsage: ok(usage([placement('lb1', 'lyncweb'), placement('lb2', 'lyncweb')])),
    listPairs: ok({ pairs: [pairView()] }),
    ...handlers,
  });
  return { test, ...renderWithApi(<TemplatesScreen />, test) };
}

const change = (el: HTMLElement, value: string) => fireEvent.change(el, { target: { value } });

async function fillLync() {
  fireEvent.click(await screen.findByRole('radio', { name: /Lync/ }));
  await waitFor(() => expect(screen.getByRole('option', { name: /^lyncweb/ })).toBeTruthy());
  change(screen.getByLabelText(/^Public certificate/), 'lyncweb');
  change(screen.getByLabelText('Name of server 1'), 'fe01');
  change(screen.getByLabelText('Address of server 1'), '10.0.2.11');
  change(screen.getByLabelText(/^CA of the Front End certificates/), 'internal-ca');
}

describe('Templates on an HA pair', () => {
  it('previews on both members and applies to the pair as one transaction, the rest as before', async () => {
    const { test } = setup({
      previewTemplate: ok(preview({ lb1: 4, lb2: 6, solo: 9 })),
      applyTemplateToPair: ok({
        pair: 'edge',
        revisions: { lb1: 5, lb2: 7 },
        unchanged: false,
        created: ['pool lync-fe-https', 'virtualService lync-https'],
        replaced: [],
      }),
      applyTemplate: ok({
        operationId: 'a',
        results: [
          { agentId: 'solo', ok: true, result: { revision: 10, created: [], replaced: [], unchanged: [] } },
        ],
      }),
    });
    await fillLync();
    fireEvent.click(await screen.findByRole('checkbox', { name: /^Pair edge \(lb1 and lb2\)/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /^solo\b/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('listitem', { name: 'Preview on lb1' });
    expect(test.calls.find((c) => c.channel === 'previewTemplate')?.params).toMatchObject({
      agentIds: ['lb1', 'lb2', 'solo'],
    });
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 1 pair and 1 agent' }));
    const pairResult = await screen.findByRole('listitem', { name: 'Apply on pair edge' });
    await waitFor(() =>
      expect(pairResult.textContent).toContain(
        'Applied to both members: lb1 revision 5, lb2 revision 7. Added pool lync-fe-https, virtual service lync-https.',
      ),
    );
    expect(test.calls.find((c) => c.channel === 'applyTemplateToPair')?.params).toMatchObject({
      pair: 'edge',
      template: 'lync-reverse-proxy',
      expectRevisions: { lb1: 4, lb2: 6 },
    });
    // The pair's members are not in the per-agent fan-out.
    expect(test.calls.find((c) => c.channel === 'applyTemplate')?.params).toMatchObject({
      targets: [{ agentId: 'solo', expectRevision: 9 }],
    });
  });

  it("shows a pair's refusal: neither member changed", async () => {
    setup({
      previewTemplate: ok(preview({ lb1: 4, lb2: 4 })),
      applyTemplateToPair: fail(
        'PAIR_REFUSED',
        'refused by lb2; neither member changed: lb2: web: port 443 is taken',
        {
          pairCode: 'REFUSED',
          problems: [{ member: 'lb2', path: 'virtualServices[0]', message: 'lb2: port 443 is taken' }],
        },
      ),
    });
    await fillLync();
    fireEvent.click(await screen.findByRole('checkbox', { name: /^Pair edge/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('listitem', { name: 'Preview on lb2' });
    fireEvent.click(screen.getByRole('button', { name: 'Apply to 1 pair' }));
    const result = await screen.findByRole('listitem', { name: 'Apply on pair edge' });
    await waitFor(() =>
      expect(within(result).getByRole('alert').textContent).toContain('neither member changed'),
    );
    expect(within(result).getByRole('list', { name: 'Problems' }).textContent).toContain(
      'lb2: port 443 is taken',
    );
  });

  it('warns when a member is chosen alone, and offers no pair whose member cannot be read', async () => {
    setup({
      listPairs: ok({
        pairs: [
          pairView(),
          pairView({
            name: 'dmz',
            members: [member('lb3'), member('lb4', { ha: undefined, unreachable: 'agent lb4 is offline' })],
          }),
        ],
      }),
    });
    await fillLync();
    fireEvent.click(await screen.findByRole('checkbox', { name: /^lb1\b/ }));
    expect((await screen.findByText(/lb1 is a member of pair edge/)).textContent).toMatch(
      /applying to members one by one can leave the pair drifting/,
    );
    const dmz = screen.getByRole('checkbox', { name: /^Pair dmz/ }) as HTMLInputElement;
    expect(dmz.disabled).toBe(true);
    expect(dmz.closest('label')!.textContent).toContain('a member cannot be read here');
  });
});
