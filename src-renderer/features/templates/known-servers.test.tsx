import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { agent, fleet, health, healthAgent, server } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok } from '../../../test/support/renderer/test-api.ts';
import { knownServers } from './known-servers.ts';
import { TemplatesScreen } from './templates-screen.tsx';
import { lync, usage } from './test-templates.ts';

afterEach(cleanup);

const fe = (pool: string, name: string, address: string) => ({ ...server(pool, name, 'up'), address });
const FLEET = health(
  healthAgent(agent('edge-1', 'east'), {
    'lync-fe': [fe('lync-fe', 'fe01', '10.0.2.11'), fe('lync-fe', 'fe02', '10.0.2.12')],
  }),
  healthAgent(agent('edge-2', 'west'), {
    'lync-fe': [fe('lync-fe', 'fe01', '10.0.2.11')],
    // The same server in a second pool of the same agent is still one entry.
    'lync-fe-8080': [fe('lync-fe-8080', 'fe01', '10.0.2.11')],
    cas: [fe('cas', 'cas01', '10.0.1.11')],
  }),
);

describe('knownServers', () => {
  it('lists each server once, with every agent and pool holding it', () => {
    expect(knownServers(FLEET)).toEqual([
      { name: 'cas01', address: '10.0.1.11', usedBy: ['edge-2 / cas'] },
      {
        name: 'fe01',
        address: '10.0.2.11',
        usedBy: ['edge-1 / lync-fe', 'edge-2 / lync-fe', 'edge-2 / lync-fe-8080'],
      },
      { name: 'fe02', address: '10.0.2.12', usedBy: ['edge-1 / lync-fe'] },
    ]);
    expect(knownServers(undefined)).toEqual([]);
  });
});

describe('the real-server picker', () => {
  it('fills the blank row, then a new one, with servers the fleet knows', async () => {
    const test = createTestApi({
      listTemplates: ok({ templates: [lync] }),
      listAgents: ok(fleet(agent('edge-1', 'east'), agent('edge-2', 'west'))),
      certificateUsage: ok(usage()),
      healthSnapshot: ok(FLEET),
    });
    renderWithApi(<TemplatesScreen />, test);
    fireEvent.click(await screen.findByRole('radio', { name: /Lync/ }));
    const known = await screen.findByRole('combobox', { name: /Add a server the fleet knows/ });
    await waitFor(() => expect(screen.getByRole('option', { name: /^fe02 10\.0\.2\.12/ })).toBeTruthy());
    fireEvent.change(known, { target: { value: '1' } });
    expect((screen.getByLabelText('Name of server 1') as HTMLInputElement).value).toBe('fe01');
    expect((screen.getByLabelText('Address of server 1') as HTMLInputElement).value).toBe('10.0.2.11');
    fireEvent.change(known, { target: { value: '2' } });
    expect((screen.getByLabelText('Address of server 2') as HTMLInputElement).value).toBe('10.0.2.12');
  });
});
