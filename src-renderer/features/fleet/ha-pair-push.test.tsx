import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { member, pairView } from '../../../test/support/renderer/ha-fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, fail, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';
import { inspection } from '../certs/cert-fixtures.ts';
import { HaPairPush } from './ha-pair-push.tsx';

afterEach(cleanup);

function setup(handlers: Handlers = {}, inspected = inspection()) {
  const test = createTestApi({
    listPairs: ok({
      pairs: [
        pairView(),
        pairView({
          name: 'dmz',
          members: [member('lb3'), member('lb4', { ha: undefined, unreachable: 'offline' })],
        }),
      ],
    }),
    ...handlers,
  });
  return { test, ...renderWithApi(<HaPairPush inspection={inspected} />, test) };
}

describe('Push a certificate to an HA pair', () => {
  it('pushes to both members of the chosen pair and says what each did', async () => {
    const { test } = setup({
      pushCertificateToPair: ok({
        pair: 'edge',
        results: {
          lb2: { name: 'www', replaced: false, reloaded: [], bound: [], warnings: [] },
          lb1: { name: 'www', replaced: true, reloaded: ['web'], bound: [], warnings: [] },
        },
      }),
    });
    const form = await screen.findByRole('form', { name: 'Push certificate to an HA pair' });
    expect((within(form).getByRole('option', { name: /^dmz/ }) as HTMLOptionElement).disabled).toBe(true);
    fireEvent.change(within(form).getByLabelText('Pair'), { target: { value: 'edge' } });
    fireEvent.change(within(form).getByLabelText('Entry name on both members'), { target: { value: 'www' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Push to both members' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'lb2: imported "www"; lb1: replaced "www". Bind it to services with a template applied to the pair.',
    );
    expect(test.calls.find((c) => c.channel === 'pushCertificateToPair')?.params).toMatchObject({
      pair: 'edge',
      inspectionId: inspection().inspectionId,
      name: 'www',
    });
  });

  it('names what is missing and sends nothing', async () => {
    const { test } = setup();
    const form = await screen.findByRole('form', { name: 'Push certificate to an HA pair' });
    fireEvent.change(within(form).getByLabelText('Entry name on both members'), {
      target: { value: 'two words' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Push to both members' }));
    expect(within(form).getByText('Choose the pair to push to.')).toBeTruthy();
    expect(within(form).getByLabelText('Entry name on both members').getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(test.calls.some((c) => c.channel === 'pushCertificateToPair')).toBe(false);
  });

  it("shows the pair's refusal: taken off the backup again", async () => {
    setup({
      pushCertificateToPair: fail(
        'PAIR_REFUSED',
        'lb1 refused it after lb2 took it; it was taken off lb2 again: CERT_ERROR: key does not match',
        { pairCode: 'ROLLED_BACK', problems: [] },
      ),
    });
    const form = await screen.findByRole('form', { name: 'Push certificate to an HA pair' });
    fireEvent.change(within(form).getByLabelText('Pair'), { target: { value: 'edge' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Push to both members' }));
    expect((await screen.findByRole('alert')).textContent).toContain('it was taken off lb2 again');
  });

  it('is not shown when the fleet has no pair', async () => {
    const { test } = setup({ listPairs: ok({ pairs: [] }) });
    await new Promise((r) => setTimeout(r, 20));
    expect(test.calls.some((c) => c.channel === 'listPairs')).toBe(true);
    expect(screen.queryByRole('form')).toBeNull();
  });
});
