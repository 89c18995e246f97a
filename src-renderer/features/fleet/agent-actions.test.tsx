import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentConnectionState } from '../../../shared/ipc/fleet.ts';
import { agent, fleet, FP_A, FP_B, health, T0 } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok } from '../../../test/support/renderer/test-api.ts';
import { FleetScreen } from './fleet-screen.tsx';

afterEach(cleanup);

const TOKEN = 'abcdefghijklmnopqrstuvwxyz0123';
const MISMATCH: AgentConnectionState = {
  kind: 'fingerprint-mismatch',
  since: T0,
  expected: FP_A,
  actual: FP_B,
  message: 'The agent presents another certificate.',
};

function setup(state?: AgentConnectionState, onOpenAgent = vi.fn()) {
  const test = createTestApi({
    listAgents: ok(fleet(agent('a1', 'east', state))),
    listDiscovered: ok([]),
    healthSnapshot: ok(health()),
  });
  renderWithApi(<FleetScreen onOpenAgent={onOpenAgent} />, test);
  return { test, onOpenAgent };
}

describe('agent actions on the Fleet screen', () => {
  it('opens an agent', async () => {
    const { onOpenAgent } = setup();
    fireEvent.click(await screen.findByRole('button', { name: 'Open a1' }));
    expect(onOpenAgent).toHaveBeenCalledWith('a1');
  });

  it('offers re-pairing only when the agent needs it', async () => {
    setup();
    await screen.findByRole('button', { name: 'Open a1' });
    expect(screen.queryByRole('button', { name: 'Re-pair a1' })).toBeNull();
  });

  it('trusts the presented fingerprint only after the admin says it was compared', async () => {
    const { test } = setup(MISMATCH);
    test.handle('rePairAgent', () => ok(agent('a1', 'east')));
    fireEvent.click(await screen.findByRole('button', { name: 'Re-pair a1' }));
    const form = screen.getByRole('form', { name: 'Re-pair a1' });
    const trust = within(form).getByRole('button', { name: 'Trust the new fingerprint' });
    expect(form.textContent).toContain(FP_B);
    expect((trust as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(form).getByLabelText(/I compared it/));
    fireEvent.click(trust);
    expect(await screen.findByText(/Re-paired a1/)).toBeTruthy();
    expect(test.calls.find((c) => c.channel === 'rePairAgent')?.params).toEqual({
      agentId: 'a1',
      acceptFingerprint: FP_B,
    });
  });

  it('keeps a refused re-pair in the form', async () => {
    const { test } = setup(MISMATCH);
    test.handle('rePairAgent', fail('FINGERPRINT_MISMATCH', 'It now presents a third certificate.'));
    fireEvent.click(await screen.findByRole('button', { name: 'Re-pair a1' }));
    const form = screen.getByRole('form', { name: 'Re-pair a1' });
    fireEvent.click(within(form).getByLabelText(/I compared it/));
    fireEvent.click(within(form).getByRole('button', { name: 'Trust the new fingerprint' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('third certificate');
  });

  it('after a token refusal, sends the new token with the pinned fingerprint', async () => {
    const { test } = setup({ kind: 'auth-failed', since: T0, reason: 'token refused' });
    test.handle('rePairAgent', () => ok(agent('a1', 'east')));
    fireEvent.click(await screen.findByRole('button', { name: 'Re-pair a1' }));
    const form = screen.getByRole('form', { name: 'Re-pair a1' });
    fireEvent.click(within(form).getByRole('button', { name: 'Use this token' }));
    expect(await within(form).findByText('a token has at least 22 characters')).toBeTruthy();
    expect(test.calls.some((c) => c.channel === 'rePairAgent')).toBe(false);
    fireEvent.change(within(form).getByLabelText('Token'), { target: { value: TOKEN } });
    fireEvent.click(within(form).getByRole('button', { name: 'Use this token' }));
    await screen.findByText(/Re-paired a1/);
    expect(test.calls.find((c) => c.channel === 'rePairAgent')?.params).toEqual({
      agentId: 'a1',
      acceptFingerprint: FP_A,
      token: TOKEN,
    });
  });

  it('removes an agent after confirmation', async () => {
    const { test } = setup();
    test.handle('removeAgent', () => ok({ agentId: 'a1' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Remove a1' }));
    expect(test.calls.some((c) => c.channel === 'removeAgent')).toBe(false);
    fireEvent.click(
      within(screen.getByRole('group', { name: 'Remove a1?' })).getByRole('button', { name: 'Remove a1' }),
    );
    await vi.waitFor(() => expect(test.calls.some((c) => c.channel === 'removeAgent')).toBe(true));
  });
});
