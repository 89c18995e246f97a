/**
 * The shell: one QueryClient, the pushed events wired into it for the app's lifetime, and the
 * navigation. The screen is kept in state, not in the URL: in browser mode the fragment carried
 * the secret, and Electron loads a file:// page where paths mean nothing.
 */
import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { DesktopApi } from '../shared/ipc/api.ts';
import { ApiProvider } from './api/api-context.tsx';
import { createQueryClient } from './api/query-client.ts';
import { useConsoleEvents } from './api/use-console-events.ts';
import { Nav, type Screen } from './components/nav.tsx';
import { ScreenVisible } from './components/screen-visibility.tsx';
import { AgentScreen } from './features/agent/agent-screen.tsx';
import { CertificatesScreen } from './features/certs/certificates-screen.tsx';
import { FleetScreen } from './features/fleet/fleet-screen.tsx';
import { HealthScreen } from './features/health/health-screen.tsx';
import { TemplatesScreen } from './features/templates/templates-screen.tsx';

const SCREENS: Screen[] = [
  { id: 'fleet', label: 'Fleet' },
  { id: 'health', label: 'Health' },
  { id: 'agent', label: 'Agent' },
  { id: 'certificates', label: 'Certificates' },
  { id: 'templates', label: 'Templates' },
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

/**
 * Screens where an admin leaves work in progress (a half-filled form, an inspected certificate,
 * a push or an apply still reporting) stay mounted, hidden, once opened: switching to Health to
 * watch the result must not throw the work away. Fleet and Health hold nothing of the admin's and
 * are rebuilt from the cache when opened.
 */
function Kept({ id, current, children }: { id: string; current: string; children: ReactNode }) {
  const [opened, setOpened] = useState(false);
  if (id === current && !opened) setOpened(true);
  if (!opened && id !== current) return null;
  return (
    <div hidden={id !== current}>
      <ScreenVisible.Provider value={id === current}>{children}</ScreenVisible.Provider>
    </div>
  );
}

function Shell({ api }: { api: DesktopApi }) {
  useConsoleEvents(api);
  const [screen, setScreen] = useState('fleet');
  // The agent the Agent screen shows: kept here so Fleet's "Open" and the screen's picker agree.
  const [agentId, setAgentId] = useState<string>();
  const openAgent = (id: string) => {
    setAgentId(id);
    setScreen('agent');
  };
  return (
    <div className="app">
      <header className="app-header">
        <h1>Portico Console</h1>
        <Nav screens={SCREENS} current={screen} onSelect={setScreen} />
      </header>
      <main id="main" tabIndex={-1}>
        {screen === 'fleet' && <FleetScreen onOpenAgent={openAgent} />}
        {screen === 'health' && <HealthScreen />}
        <Kept id="agent" current={screen}>
          <AgentScreen agentId={agentId} onSelectAgent={setAgentId} />
        </Kept>
        <Kept id="certificates" current={screen}>
          <CertificatesScreen />
        </Kept>
        <Kept id="templates" current={screen}>
          <TemplatesScreen />
        </Kept>
      </main>
    </div>
  );
}
