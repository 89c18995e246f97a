/**
 * The shell: one QueryClient, the pushed events wired into it for the app's lifetime, the
 * navigation, and desktop notifications for new alerts (browser mode). The screen is kept in
 * state, not in the URL: in browser mode the fragment carried the secret, and Electron loads a
 * file:// page where paths mean nothing. The Dashboard is the first screen once agents are
 * paired; with none, the Fleet screen, where pairing starts.
 */
import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { type ReactNode, useCallback, useState } from 'react';
import type { DesktopApi } from '../shared/ipc/api.ts';
import { ApiProvider } from './api/api-context.tsx';
import { fleetQueries } from './api/queries.ts';
import { createQueryClient } from './api/query-client.ts';
import { useConsoleEvents } from './api/use-console-events.ts';
import { Nav, type Screen } from './components/nav.tsx';
import { ScreenVisible } from './components/screen-visibility.tsx';
import { AgentScreen } from './features/agent/agent-screen.tsx';
import { useAlertNotifications } from './features/alerts/use-alert-notifications.ts';
import { CertificatesScreen } from './features/certs/certificates-screen.tsx';
import { DashboardScreen } from './features/dashboard/dashboard-screen.tsx';
import { FleetScreen } from './features/fleet/fleet-screen.tsx';
import type { HealthFilters } from './features/health/health-rows.ts';
import { HealthScreen } from './features/health/health-screen.tsx';
import { SettingsScreen } from './features/settings/settings-screen.tsx';
import { TemplatesScreen } from './features/templates/templates-screen.tsx';

const SCREENS: Screen[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'fleet', label: 'Fleet' },
  { id: 'health', label: 'Health' },
  { id: 'agent', label: 'Agent' },
  { id: 'certificates', label: 'Certificates' },
  { id: 'templates', label: 'Templates' },
  { id: 'settings', label: 'Settings' },
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
  useAlertNotifications(api);
  const fleet = useQuery(fleetQueries.agents(api));
  const [chosen, setScreen] = useState<string>();
  // Until the admin chooses: the Dashboard when agents were paired at start, else Fleet to pair
  // one. Decided once, on the first answer: pairing the first agent must not pull the Fleet
  // screen (and its pairing dialog) away from under the admin.
  const [opening, setOpening] = useState<string>();
  if (opening === undefined && fleet.data) setOpening(fleet.data.sites.length > 0 ? 'dashboard' : 'fleet');
  const screen = chosen ?? opening ?? 'fleet';
  // The agent the Agent screen shows: kept here so Fleet's "Open" and the screen's picker agree.
  const [agentId, setAgentId] = useState<string>();
  // What the Health screen opens with; the counter makes each opening start from it.
  const [health, setHealth] = useState<{ filters: Partial<HealthFilters>; n: number }>({ filters: {}, n: 0 });
  const openAgent = useCallback((id: string) => {
    setAgentId(id);
    setScreen('agent');
  }, []);
  const openHealth = useCallback((filter: { site?: string; agentId?: string; text?: string }) => {
    setHealth((h) => ({ filters: filter, n: h.n + 1 }));
    setScreen('health');
  }, []);
  const select = (id: string) => {
    if (id === 'health') setHealth((h) => ({ filters: {}, n: h.n + 1 }));
    setScreen(id);
  };
  return (
    <div className="app">
      <header className="app-header">
        <h1>Portico Console</h1>
        <Nav screens={SCREENS} current={screen} onSelect={select} />
      </header>
      <main id="main" tabIndex={-1}>
        {screen === 'dashboard' && <DashboardScreen onOpenHealth={openHealth} onOpenAgent={openAgent} />}
        {screen === 'fleet' && <FleetScreen onOpenAgent={openAgent} />}
        {screen === 'health' && <HealthScreen key={health.n} initial={health.filters} />}
        <Kept id="agent" current={screen}>
          <AgentScreen agentId={agentId} onSelectAgent={setAgentId} />
        </Kept>
        <Kept id="certificates" current={screen}>
          <CertificatesScreen />
        </Kept>
        <Kept id="templates" current={screen}>
          <TemplatesScreen />
        </Kept>
        {screen === 'settings' && <SettingsScreen />}
      </main>
    </div>
  );
}
