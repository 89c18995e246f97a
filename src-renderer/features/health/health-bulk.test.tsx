import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { agent, health, healthAgent, server } from '../../../test/support/renderer/fixtures.ts';
import { scrollerViewport } from '../../../test/support/renderer/scroller-viewport.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { memberStatus, statusOf } from '../../../test/support/stats.ts';
import { HealthScreen } from './health-screen.tsx';

const VIEWPORT = 600;
scrollerViewport('health-scroller', VIEWPORT);
afterEach(cleanup);

const at = (address: string, s: ReturnType<typeof server>) => ({ ...s, address });
// The back end 10.0.0.9 is cas1 on lb1 and casA on lb2 (site east), cas-1 on lb3 (west, drained).
const view = () =>
  health(
    healthAgent(
      { ...agent('a1', 'east'), name: 'lb1' },
      {
        exchange: [
          at('10.0.0.9', server('exchange', 'cas1', 'up')),
          at('10.0.0.2', server('exchange', 'cas2', 'up')),
        ],
      },
    ),
    healthAgent(
      { ...agent('a2', 'east'), name: 'lb2' },
      { mail: [at('10.0.0.9', server('mail', 'casA', 'up'))] },
    ),
    healthAgent(
      { ...agent('a3', 'west'), name: 'lb3' },
      {
        owa: [at('10.0.0.9', server('owa', 'cas-1', 'disabled'))],
      },
    ),
  );

function setup(handlers: Handlers = {}) {
  const test = createTestApi({
    healthSnapshot: ok(view()),
    agentStatus: ok({
      agentId: 'a3',
      ...statusOf(
        [{ name: 'owa', servers: [memberStatus('owa', 'cas-1', { state: 'disabled', active: 3 })] }],
        [],
      ),
    }),
    ...handlers,
  });
  return { test, ...renderWithApi(<HealthScreen />, test) };
}

const row = (label: string) => screen.findByRole('row', { name: label });
const confirmation = () => screen.getByRole('region', { name: /^(Drain|Enable) / });

describe('bulk drain and enable on the Health screen', () => {
  it('drains the selected rows after a confirmation that says how many and where', async () => {
    const { test } = setup({
      setServersEnabled: ok({
        operationId: 'op-1',
        results: [
          { agentId: 'a1', ok: true, result: { changed: ['exchange/cas2'], already: [], revision: 2 } },
          { agentId: 'a2', ok: false, error: { code: 'AGENT_OFFLINE', message: 'the agent is offline' } },
        ],
      }),
    });
    fireEvent.click(
      within(await row('lb1 exchange/cas2')).getByRole('checkbox', { name: 'Select exchange/cas2 on lb1' }),
    );
    fireEvent.click(
      within(await row('lb2 mail/casA')).getByRole('checkbox', { name: 'Select mail/casA on lb2' }),
    );
    expect(screen.getByRole('toolbar', { name: 'Selected real servers' }).textContent).toContain(
      '2 selected',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Drain selected' }));
    expect(within(confirmation()).getByRole('status').textContent).toBe(
      'Drain 2 real servers on 2 agents (lb1 and lb2) in site east? New connections stop; open ones finish.',
    );
    expect(test.calls.some((c) => c.channel === 'setServersEnabled')).toBe(false);
    fireEvent.click(within(confirmation()).getByRole('button', { name: 'Yes, drain 2' }));
    await waitFor(() =>
      expect(test.calls.find((c) => c.channel === 'setServersEnabled')?.params).toEqual({
        enabled: false,
        targets: [
          { agentId: 'a1', pool: 'exchange', server: 'cas2' },
          { agentId: 'a2', pool: 'mail', server: 'casA' },
        ],
      }),
    );
    expect((await within(confirmation()).findByRole('status')).textContent).toBe('Drained 1 on lb1.');
    expect(within(confirmation()).getByRole('alert').textContent).toBe('lb2: the agent is offline');
  });

  it('drains one back end on every agent of its site, or of the fleet when widened', async () => {
    const { test } = setup({ setServersEnabled: ok({ operationId: 'op-2', results: [] }) });
    fireEvent.click(
      within(await row('lb1 exchange/cas1')).getByRole('button', { name: 'Drain 10.0.0.9:443 everywhere' }),
    );
    expect(within(confirmation()).getByRole('status').textContent).toContain(
      'Drain 2 real servers on 2 agents (lb1 and lb2) in site east?',
    );
    fireEvent.click(within(confirmation()).getByRole('radio', { name: 'The whole fleet' }));
    // lb3's copy is drained already: counted apart, not sent.
    expect(within(confirmation()).getByRole('status').textContent).toContain(
      'Drain 2 real servers on 2 agents (lb1 and lb2) in site east? (1 already drained, left as they are.)',
    );
    fireEvent.click(within(confirmation()).getByRole('button', { name: 'Yes, drain 2' }));
    await waitFor(() =>
      expect(
        (test.calls.find((c) => c.channel === 'setServersEnabled')?.params as { targets: unknown[] }).targets,
      ).toHaveLength(2),
    );
  });

  it('shows a drained server’s open connections so the admin knows when it is empty', async () => {
    setup();
    const drained = await row('lb3 owa/cas-1');
    await waitFor(() => expect(drained.textContent).toContain('3 connections still open'));
  });

  it('cancel sends nothing', async () => {
    const { test } = setup({ setServersEnabled: fail('INTERNAL', 'should not be called') });
    fireEvent.click(
      within(await row('lb1 exchange/cas1')).getByRole('button', { name: 'Drain 10.0.0.9:443 everywhere' }),
    );
    fireEvent.click(within(confirmation()).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('region', { name: /^Drain / })).toBeNull();
    expect(test.calls.some((c) => c.channel === 'setServersEnabled')).toBe(false);
  });
});
