import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { agent, fleet, health } from './test/fixtures.ts';
import { createTestApi, ok } from './test/test-api.ts';
import { App } from './app.tsx';

afterEach(cleanup);

function setup() {
  const test = createTestApi({
    listAgents: ok(fleet(agent('a1', 'east'))),
    listDiscovered: ok([]),
    healthSnapshot: ok(health()),
  });
  render(<App api={test.api} />);
  return test;
}

describe('App', () => {
  it('opens on Fleet and switches screens from the nav', async () => {
    setup();
    expect(await screen.findByRole('heading', { name: 'Fleet' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Health' }));
    expect(await screen.findByRole('heading', { name: 'Health' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Health' }).getAttribute('aria-current')).toBe('page');
  });

  it.each([
    ['ArrowRight', 'Health'],
    ['ArrowLeft', 'Templates'],
    ['End', 'Templates'],
    ['Home', 'Fleet'],
  ])('moves focus with %s to %s', (key, label) => {
    setup();
    const fleetButton = screen.getByRole('button', { name: 'Fleet' });
    fleetButton.focus();
    fireEvent.keyDown(fleetButton, { key });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: label }));
  });

  it('refetches what is shown on resync', async () => {
    const test = setup();
    await screen.findByRole('row', { name: 'a1' });
    const before = test.calls.filter((c) => c.channel === 'listAgents').length;
    test.handle('listAgents', ok(fleet(agent('a1', 'east'), agent('a2', 'west'))));
    test.emit({ type: 'resync' });
    expect(await screen.findByRole('row', { name: 'a2' })).toBeTruthy();
    await waitFor(() => expect(test.calls.filter((c) => c.channel === 'listAgents').length).toBe(before + 1));
  });
});
