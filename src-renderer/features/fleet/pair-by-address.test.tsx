import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { agent, FP_A } from '../../../test/support/renderer/fixtures.ts';
import { renderFleetScreen } from '../../../test/support/renderer/fleet-screen.tsx';
import { fail, ok } from '../../../test/support/renderer/test-api.ts';

afterEach(cleanup);

const TOKEN = 'abcdefghijklmnopqrstuvwxyz0123';

async function fillAndSubmit() {
  fireEvent.click(await screen.findByRole('button', { name: 'Pair an agent by address…' }));
  const form = screen.getByRole('form', { name: 'Pair an agent' });
  fireEvent.change(within(form).getByLabelText('Address'), { target: { value: '192.0.2.20' } });
  fireEvent.change(within(form).getByLabelText('Token'), { target: { value: TOKEN } });
  fireEvent.click(within(form).getByRole('button', { name: 'Pair' }));
}

describe('pairing by address', () => {
  it('shows the fingerprint the address presents and pins it only once the admin confirms', async () => {
    const { test } = renderFleetScreen({
      probeFingerprint: ok({ fingerprint: FP_A }),
      pairAgent: ok({
        agent: agent('lb9', 'lab'),
        info: { version: '0.1.0' } as never,
        fingerprint: FP_A,
        refreshed: false,
      }),
    });
    await fillAndSubmit();
    const ask = await screen.findByRole('group', { name: 'Confirm the fingerprint' });
    expect(ask.textContent).toContain(`192.0.2.20:7443 presents the fingerprint ${FP_A}`);
    // The token has not left the Console yet.
    expect(test.calls.some((c) => c.channel === 'pairAgent')).toBe(false);
    expect(test.calls.find((c) => c.channel === 'probeFingerprint')?.params).toEqual({
      address: '192.0.2.20',
      port: 7443,
    });

    fireEvent.click(within(ask).getByRole('button', { name: 'Pin it and pair' }));
    await screen.findByText(/Pinned fingerprint/);
    expect(test.calls.find((c) => c.channel === 'pairAgent')?.params).toEqual({
      address: '192.0.2.20',
      port: 7443,
      token: TOKEN,
      expectedFingerprint: FP_A,
    });
  });

  it('goes back to the form without pairing, and says an address that does not answer', async () => {
    const { test } = renderFleetScreen({ probeFingerprint: ok({ fingerprint: FP_A }) });
    await fillAndSubmit();
    fireEvent.click(
      within(await screen.findByRole('group', { name: 'Confirm the fingerprint' })).getByRole('button', {
        name: 'Back',
      }),
    );
    expect(await screen.findByRole('form', { name: 'Pair an agent' })).toBeTruthy();
    expect(test.calls.some((c) => c.channel === 'pairAgent')).toBe(false);

    test.handle('probeFingerprint', fail('UNREACHABLE', '192.0.2.20:7443: connect ECONNREFUSED'));
    fireEvent.click(screen.getByRole('button', { name: 'Pair' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Could not reach the agent'));
  });
});
