/**
 * The Fleet screen rendered over a test API that answers what it asks on opening: no agents
 * (unless `handlers` give some), none discovered, empty health, no HA pairs.
 */
import { FleetScreen } from '../../../src-renderer/features/fleet/fleet-screen.tsx';
import { fleet, health } from './fixtures.ts';
import { renderWithApi } from './render.tsx';
import { createTestApi, ok, type Handlers } from './test-api.ts';

export function renderFleetScreen(handlers: Handlers = {}) {
  const test = createTestApi({
    listAgents: ok(fleet()),
    listDiscovered: ok([]),
    healthSnapshot: ok(health()),
    listPairs: ok({ pairs: [] }),
    ...handlers,
  });
  return { test, ...renderWithApi(<FleetScreen />, test) };
}
