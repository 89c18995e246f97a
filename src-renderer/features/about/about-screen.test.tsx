import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { renderWithApi } from '../../../test/support/renderer/render.tsx';
import { createTestApi, ok } from '../../../test/support/renderer/test-api.ts';
import { AboutScreen } from './about-screen.tsx';

afterEach(cleanup);

it("shows this Console's version and each agent's, warning when agents differ", async () => {
  const engine = {
    kind: 'haproxy',
    version: 'HAProxy 2.6.12',
    pools: 1,
    virtualServices: 1,
    realServers: 2,
  } as const;
  const test = createTestApi({
    about: ok({ version: '0.1.0', node: '24.1.0', platform: 'linux' }),
    listAgents: ok(
      fleet(
        { ...agent('a1', 'east'), name: 'lb1', version: '0.1.0', engine },
        { ...agent('a2', 'west'), name: 'lb2', version: '0.0.9' },
        { ...agent('a3', 'west'), name: 'lb3' },
      ),
    ),
  });
  renderWithApi(<AboutScreen />, test);
  expect((await screen.findByText('Portico Console')).nextElementSibling?.textContent).toBe('0.1.0');
  expect(screen.getByText(/^Node\.js/).textContent).toBe('Node.js 24.1.0 on linux');
  const rows = within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((r) => r.textContent);
  expect(rows).toEqual(['lb1east0.1.0haproxy (HAProxy 2.6.12)', 'lb2west0.0.9—', 'lb3westnot reached yet—']);
  expect(screen.getByRole('status').textContent).toBe('The agents run 2 different versions: 0.0.9, 0.1.0.');
});
