/**
 * The shell: one QueryClient, the pushed events wired into it for the app's lifetime, and the
 * navigation. The screen is kept in state, not in the URL: in browser mode the fragment carried
 * the secret, and Electron loads a file:// page where paths mean nothing.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import type { DesktopApi } from '../shared/ipc/api.ts';
import { ApiProvider } from './api/api-context.tsx';
import { createQueryClient } from './api/query-client.ts';
import { useConsoleEvents } from './api/use-console-events.ts';
import { Nav, type Screen } from './components/nav.tsx';
import { FleetScreen } from './features/fleet/fleet-screen.tsx';
import { HealthScreen } from './features/health/health-screen.tsx';

const SCREENS: Screen[] = [
  { id: 'fleet', label: 'Fleet' },
  { id: 'health', label: 'Health' },
];

export function App({ api }: { api: DesktopApi }) {
  const [client] = useState(createQueryClient);
  return (
    <ApiProvider api={api}>
      <QueryClientProvider client={client}>
        <Shell api={api} />
      </QueryClientProvider>
    </ApiProvider>
  );
}

function Shell({ api }: { api: DesktopApi }) {
  useConsoleEvents(api);
  const [screen, setScreen] = useState('fleet');
  return (
    <div className="app">
      <header className="app-header">
        <h1>Portico Console</h1>
        <Nav screens={SCREENS} current={screen} onSelect={setScreen} />
      </header>
      <main id="main" tabIndex={-1}>
        {screen === 'fleet' && <FleetScreen />}
        {screen === 'health' && <HealthScreen />}
      </main>
    </div>
  );
}
