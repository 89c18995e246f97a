import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { agent, fleet } from '../../../test/support/renderer/fixtures.ts';
import { renderFleetScreen } from '../../../test/support/renderer/fleet-screen.tsx';
import { ok } from '../../../test/support/renderer/test-api.ts';

afterEach(cleanup);

const HEADERS = [
  'Agent',
  'State',
  'Version',
  'Engine',
  'Pools',
  'Virtual services',
  'Real servers',
  'Down',
  'Actions',
];

describe('AgentTable (issue 16: column headers, lined up across sites)', () => {
  it("gives each site's table the same column headers and the same columns", async () => {
    renderFleetScreen({
      listAgents: ok(fleet(agent('a1', 'east'), agent('a2', 'west'), agent('a3', 'west'))),
      listDiscovered: ok([]),
    });
    const sites = await Promise.all(
      ['Site east', 'Site west'].map((name) => screen.findByRole('region', { name })),
    );
    const columns = sites.map((site) => {
      const table = within(site).getByRole('table');
      const headers = within(table).getAllByRole('columnheader');
      // Column headers, not row headers: each is scoped to its column.
      expect(headers.every((h) => h.getAttribute('scope') === 'col')).toBe(true);
      expect(headers.map((h) => h.textContent)).toEqual(HEADERS);
      // The widths come from the colgroup (agent-table.css, fixed layout), one col per header.
      const cols = [...table.querySelectorAll('colgroup > col')].map((c) => c.className);
      expect(cols).toHaveLength(HEADERS.length);
      expect(table.classList.contains('agent-table')).toBe(true);
      return cols;
    });
    expect(columns[1]).toEqual(columns[0]);
    // A row has a cell under every header (the agent's name is its row header).
    const row = within(sites[1]!).getByRole('row', { name: 'a3' });
    expect(within(row).getAllByRole('rowheader').length + within(row).getAllByRole('cell').length).toBe(
      HEADERS.length,
    );
  });
});
