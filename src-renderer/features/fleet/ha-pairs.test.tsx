import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PairView } from '../../../shared/ipc/ha.ts';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { member, memberHa, pairView } from '../../../test/support/renderer/ha-fixtures.ts';
import { renderFleetScreen } from '../../../test/support/renderer/fleet-screen.tsx';
import { fail, ok, type Handlers } from '../../../test/support/renderer/test-api.ts';

afterEach(cleanup);

const setup = (pairs: PairView[], handlers: Handlers = {}) =>
  renderFleetScreen({
    listAgents: ok(fleet(agent('lb1', 'east'), agent('lb2', 'east'), agent('lb3', 'west'))),
    listPairs: ok({ pairs }),
    ...handlers,
  });

const group = (name = 'edge') => screen.findByRole('region', { name: `HA pair ${name}` });

describe('HA pairs on the Fleet screen', () => {
  it('shows a pair as its two members with VRRP state, last transition and its reason', async () => {
    setup([
      pairView({
        members: [
          member('lb1', {
            ha: memberHa('master', {
              lastTransition: {
                from: 'backup',
                to: 'master',
                at: '2025-01-01T09:58:00.000Z',
                reason: 'the other member stopped advertising',
              },
            }),
          }),
          member('lb2'),
        ],
      }),
    ]);
    const pair = await group();
    expect(pair.textContent).toContain('virtual IPs 192.0.2.10/24 · router id 51 · preferred lb1');
    const lb1 = within(pair).getByRole('row', { name: 'Member lb1' });
    expect(lb1.textContent).toMatch(/lb1 \(preferred\)192\.0\.2\.11 on eth0/);
    expect(within(lb1).getByText('master').className).toContain('ha-state-master');
    expect(lb1.textContent).toMatch(/backup → master, .* ago.*the other member stopped advertising/);
    expect(within(pair).getByRole('row', { name: 'Member lb2' }).textContent).toContain('backup');
    expect(pair.textContent).toContain('Same configuration on both members (revision 4).');
    expect(within(pair).queryByText('Drift')).toBeNull();
    expect(pair.className).toContain('level-ok');
  });

  it('says a pair with equal configurations at different revisions (a rolled-back apply) is not drifting', async () => {
    setup([pairView({ sync: { kind: 'same-config', revisions: { lb1: 3, lb2: 5 } } })]);
    const pair = await group();
    expect(pair.textContent).toContain('Same configuration on both members (revisions lb1 3, lb2 5');
    expect(within(pair).queryByText('Drift')).toBeNull();
    expect(within(pair).queryByRole('button', { name: /^Heal/ })).toBeNull();
    expect(pair.className).toContain('level-ok');
  });

  it('shows drift with a badge, and Heal copies the newer member to the one behind', async () => {
    const { test } = setup(
      [
        pairView({
          sync: { kind: 'drift', ahead: 'lb1', behind: 'lb2', differs: [{ kind: 'pool', name: 'app' }] },
        }),
      ],
      { healPair: ok({ pair: 'edge', from: 'lb1', to: 'lb2', revision: 5, unchanged: false }) },
    );
    const pair = await group();
    expect(within(pair).getByText('Drift')).toBeTruthy();
    expect(pair.textContent).toContain('Drift: lb2 is behind lb1 by revision (pool app differ).');
    // The Console cannot always know which member is right (a member changed behind the pair
    // may have the lower revision): both directions are offered, the newer one first.
    expect(within(pair).getByRole('button', { name: "Heal: copy lb2's configuration to lb1" })).toBeTruthy();
    expect(pair.className).toContain('level-warning');
    fireEvent.click(within(pair).getByRole('button', { name: "Heal: copy lb1's configuration to lb2" }));
    expect((await within(pair).findByRole('status')).textContent).toBe(
      "Healed: lb1's configuration now runs on lb2 (revision 5).",
    );
    expect(test.calls.find((c) => c.channel === 'healPair')?.params).toEqual({ pair: 'edge', from: 'lb1' });
  });

  it('fails over only after a confirmation that says which member gives up which virtual IPs', async () => {
    const { test } = setup([pairView()], {
      failoverPair: ok({ pair: 'edge', from: 'lb1', to: 'lb2', ms: 1234 }),
    });
    const pair = await group();
    fireEvent.click(within(pair).getByRole('button', { name: 'Fail over edge now…' }));
    const dialog = within(pair).getByRole('alertdialog', { name: 'Fail over pair edge now?' });
    expect(dialog.textContent).toContain('lb1 gives up 192.0.2.10/24 to lb2.');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Fail over to lb2' }));
    expect(test.calls.some((c) => c.channel === 'failoverPair')).toBe(false);
    // Cancel sends nothing.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(within(pair).queryByRole('alertdialog')).toBeNull();
    fireEvent.click(within(pair).getByRole('button', { name: 'Fail over edge now…' }));
    fireEvent.click(within(pair).getByRole('button', { name: 'Fail over to lb2' }));
    expect((await within(pair).findByRole('status')).textContent).toMatch(
      /^Failed over: lb2 holds the virtual IPs \(1234 ms\); lb1 stays out for 10 s\.$/,
    );
    expect(test.calls.find((c) => c.channel === 'failoverPair')?.params).toEqual({
      pair: 'edge',
      holdSeconds: 10,
    });
  });

  it('offers no failover while the backup cannot take over, and says why; a fault is amber', async () => {
    setup([
      pairView({
        members: [
          member('lb1'),
          member('lb2', {
            ha: memberHa('fault', { engine: { serving: false, reason: 'web does not listen' } }),
          }),
        ],
      }),
    ]);
    const pair = await group();
    expect(
      (within(pair).getByRole('button', { name: 'Fail over edge now…' }) as HTMLButtonElement).disabled,
    ).toBe(true);
    expect(pair.textContent).toContain('Not possible now: lb2 is fault, not backup.');
    expect(within(pair).getByRole('list', { name: 'Needs attention in pair edge' }).textContent).toContain(
      'lb2 is in fault (web does not listen)',
    );
    expect(pair.className).toContain('level-warning');
  });

  it("shows a failover's refusal inline", async () => {
    setup([pairView()], {
      failoverPair: fail('PAIR_REFUSED', 'lb2 is fault: it could not take over', { pairCode: 'HA_STATE' }),
    });
    const pair = await group();
    fireEvent.click(within(pair).getByRole('button', { name: 'Fail over edge now…' }));
    fireEvent.click(within(pair).getByRole('button', { name: 'Fail over to lb2' }));
    const alert = await within(pair).findByRole('alert');
    expect(alert.textContent).toContain('lb2 is fault: it could not take over');
    expect(alert.getAttribute('data-code')).toBe('PAIR_REFUSED');
  });

  it('refetches the pairs when an agent reports a VRRP transition', async () => {
    const { test } = setup([pairView()]);
    await group();
    test.handle(
      'listPairs',
      ok({
        pairs: [
          pairView({
            master: 'lb2',
            members: [member('lb1', { ha: memberHa('fault') }), member('lb2', { ha: memberHa('master') })],
          }),
        ],
      }),
    );
    act(() => test.emit({ type: 'ha', agentId: 'lb1' }));
    await waitFor(async () =>
      expect(within(await group()).getByRole('row', { name: 'Member lb2' }).textContent).toContain('master'),
    );
  });

  it('says when no pair exists', async () => {
    setup([]);
    expect(await screen.findByText(/No HA pairs/)).toBeTruthy();
  });
});

describe('Creating an HA pair', () => {
  async function openForm(handlers: Handlers = {}) {
    const ctx = setup([], handlers);
    fireEvent.click(await screen.findByRole('button', { name: 'Create an HA pair…' }));
    const form = screen.getByRole('form', { name: 'Create an HA pair' });
    // The agents are listed once the fleet is in.
    await within(form).findAllByRole('option', { name: /lb1/ });
    return { ...ctx, form };
  }
  const type = (form: HTMLElement, label: string | RegExp, value: string, nth = 0) =>
    fireEvent.change(within(form).getAllByLabelText(label)[nth]!, { target: { value } });

  function fill(form: HTMLElement) {
    type(form, 'Pair name', 'edge');
    type(form, 'VRRP router id (1–255)', '51');
    type(form, 'Agent', 'lb1', 0);
    type(form, 'Agent', 'lb2', 1);
    type(form, /Its own address/, '192.0.2.11', 0);
    type(form, /Its own address/, '192.0.2.12', 1);
    type(form, /Virtual IPs/, '192.0.2.10/24\n198.51.100.7/32 on eth1');
  }

  it('names each problem in plain words at its field and sends nothing', async () => {
    const { form, test } = await openForm();
    type(form, 'Pair name', 'edge pair');
    type(form, 'VRRP router id (1–255)', '300');
    type(form, 'Agent', 'lb1', 0);
    type(form, 'Agent', 'lb1', 1);
    type(form, /Its own address/, '192.0.2.300', 0);
    type(form, 'Interface', 'eth 0', 1);
    type(form, /Virtual IPs/, '192.0.2.10');
    fireEvent.click(within(form).getByRole('button', { name: 'Create pair' }));
    const problem = (label: string | RegExp, nth = 0) => {
      const input = within(form).getAllByLabelText(label)[nth]!;
      expect(input.getAttribute('aria-invalid')).toBe('true');
      return document.getElementById(input.getAttribute('aria-describedby')!)!.textContent;
    };
    expect(problem('Pair name')).toBe(
      'A pair name is 1–63 letters, digits, "-" or "_", starting with a letter or digit.',
    );
    expect(problem('VRRP router id (1–255)')).toMatch(/^The router id is a whole number from 1 to 255/);
    expect(problem('Agent', 1)).toBe('Choose another agent: a pair has two different members.');
    expect(problem(/Its own address/, 0)).toBe('"192.0.2.300" is not an IPv4 or IPv6 address.');
    expect(problem(/Its own address/, 1)).toMatch(/^Give this member's own address/);
    expect(problem('Interface', 1)).toMatch(/^Use an interface name such as eth0/);
    expect(problem(/Virtual IPs/)).toBe(
      '"192.0.2.10": write an address and its prefix length, e.g. 192.0.2.10/24 (or 192.0.2.10/24 on eth1).',
    );
    // The first field with a problem has the focus.
    expect(document.activeElement).toBe(within(form).getByLabelText('Pair name'));
    expect(test.calls.some((c) => c.channel === 'createPair')).toBe(false);
  });

  it('checks the pair as a whole as the agents do: a virtual IP that is a member address', async () => {
    const { form, test } = await openForm();
    fill(form);
    type(form, /Virtual IPs/, '192.0.2.11/24');
    fireEvent.click(within(form).getByRole('button', { name: 'Create pair' }));
    const vips = within(form).getByLabelText(/Virtual IPs/);
    expect(vips.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(vips.getAttribute('aria-describedby')!)!.textContent).toBe(
      "192.0.2.11 is a member's own address; a virtual IP must be another one.",
    );
    expect(test.calls.some((c) => c.channel === 'createPair')).toBe(false);
  });

  it('sends the pair and says which member holds the virtual IPs', async () => {
    const { form, test } = await openForm({ createPair: ok({ pair: 'edge', master: 'lb2' }) });
    fill(form);
    fireEvent.click(within(form).getAllByRole('radio')[1]!);
    fireEvent.click(within(form).getByRole('checkbox'));
    fireEvent.click(within(form).getByRole('button', { name: 'Create pair' }));
    expect((await screen.findByRole('status')).textContent).toContain(
      'Pair edge created: lb2 holds the virtual IPs.',
    );
    expect(test.calls.find((c) => c.channel === 'createPair')?.params).toEqual({
      name: 'edge',
      routerId: 51,
      members: [
        { agentId: 'lb1', address: '192.0.2.11', interface: 'eth0' },
        { agentId: 'lb2', address: '192.0.2.12', interface: 'eth0' },
      ],
      preferred: 'lb2',
      virtualIps: [
        { address: '192.0.2.10', prefix: 24 },
        { address: '198.51.100.7', prefix: 32, interface: 'eth1' },
      ],
      preempt: true,
    });
  });

  it("puts an agent's refusal on the field it names, and keeps what was typed", async () => {
    const { form } = await openForm({
      createPair: fail('PAIR_REFUSED', 'lb2 refused the pair: keepalived -t: interface eth9 not found', {
        pairCode: 'REFUSED',
        problems: [{ path: 'members.1.interface', message: 'interface eth9 does not exist on lb2' }],
      }),
    });
    fill(form);
    type(form, 'Interface', 'eth9', 1);
    fireEvent.click(within(form).getByRole('button', { name: 'Create pair' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('lb2 refused the pair');
    const iface = within(form).getAllByLabelText('Interface')[1]!;
    await waitFor(() => expect(iface.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(iface.getAttribute('aria-describedby')!)!.textContent).toBe(
      'interface eth9 does not exist on lb2',
    );
    expect((within(form).getByLabelText('Pair name') as HTMLInputElement).value).toBe('edge');
  });
});
