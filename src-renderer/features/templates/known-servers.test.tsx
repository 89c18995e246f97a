import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { agent, fleet, health, healthAgent, server } from '../../test/fixtures.ts';
import { renderWithApi } from '../../test/render.tsx';
import { createTestApi, ok } from '../../test/test-api.ts';
import { knownServers } from './known-servers.ts';
import { TemplatesScreen } from './templates-screen.tsx';
import { lync, usage } from './test-templates.ts';

afterEach(cleanup);

const fe = (name: string, address: string) => ({ ...server('lync-https', name, 'up'), address });
const FLEET = health(
  healthAgent(agent('edge-1', 'east'), { 'lync-https': [fe('fe01', '10.0.2.11'), fe('fe02', '10.0.2.12')] }),
  healthAgent(agent('edge-2', 'west'), {
    'lync-https': [fe('fe01', '10.0.2.11')],
    owa: [fe('cas01', '10.0.1.11')],
  }),
);

describe('knownServers', () => {
  it('lists each server once, with every agent and service using it', () => {
    expect(knownServers(FLEET)).toEqual([
      { name: 'cas01', address: '10.0.1.11', usedBy: ['edge-2 / owa'] },
      { name: 'fe01', address: '10.0.2.11', usedBy: ['edge-1 / lync-https', 'edge-2 / lync-https'] },
      { name: 'fe02', address: '10.0.2.12', usedBy: ['edge-1 / lync-https'] },
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
