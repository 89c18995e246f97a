/**
 * The shell: one QueryClient, the pushed events wired into it for the app's lifetime, the
 * navigation, and desktop notifications for new alerts (browser mode). The screen and its
 * filters live in the URL's fragment (routing/hash-route.ts), so a reload or a link keeps them;
 * browser mode's `#secret=…` is read and removed before (resolve-api.ts). Without a route, the
 * Dashboard is the first screen once agents are paired; with none, the Fleet screen, where
 * pairing starts. The header holds the global search, the denser-rows switch and the list of
 * keyboard shortcuts (`?`).
 */
import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { type ReactNode, useCallback, useRef, useState } from 'react';
import type { DesktopApi } from '../shared/ipc/api.ts';
import { ApiProvider } from './api/api-context.tsx';
import { fleetQueries } from './api/queries.ts';
import { createQueryClient } from './api/query-client.ts';
import { useConsoleEvents } from './api/use-console-events.ts';
import { Nav, type Screen } from './components/nav.tsx';
import { ScreenVisible } from './components/screen-visibility.tsx';
import { AboutScreen } from './features/about/about-screen.tsx';
import { ActivityScreen } from './features/activity/activity-screen.tsx';
import { AgentScreen } from './features/agent/agent-screen.tsx';
import { useAlertNotifications } from './features/alerts/use-alert-notifications.ts';
import { CertificatesScreen } from './features/certs/certificates-screen.tsx';
import { DashboardScreen } from './features/dashboard/dashboard-screen.tsx';
import { DensityToggle, useDensity } from './features/display/density.tsx';
import { FleetScreen } from './features/fleet/fleet-screen.tsx';
import type { HealthFilters } from './features/health/health-rows.ts';
import { HealthScreen } from './features/health/health-screen.tsx';
import { GlobalSearch } from './features/search/global-search.tsx';
import { SettingsScreen } from './features/settings/settings-screen.tsx';
import { useTheme } from './features/settings/use-theme.ts';
import { ShortcutsDialog, useShortcuts } from './features/shortcuts/shortcuts.tsx';
import { TemplatesScreen } from './features/templates/templates-screen.tsx';
import { SCREEN_IDS, type ScreenId } from './routing/hash-route.ts';
import { useHashRoute } from './routing/use-hash-route.ts';

const SCREENS: Screen[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'fleet', label: 'Fleet' },
  { id: 'health', label: 'Health' },
  { id: 'agent', label: 'Agent' },
  { id: 'certificates', label: 'Certificates' },
  { id: 'templates', label: 'Templates' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
  { id: 'about', label: 'About' },
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
  useTheme(api);
  const fleet = useQuery(fleetQueries.agents(api));
  const { route, opened, navigate, replace } = useHashRoute();
  // Without a route: the Dashboard when agents were paired at start, else Fleet to pair one.
  // Decided once, on the first answer: pairing the first agent must not pull the Fleet screen
  // (and its pairing dialog) away from under the admin.
  const [opening, setOpening] = useState<ScreenId>();
  if (opening === undefined && fleet.data) setOpening(fleet.data.sites.length > 0 ? 'dashboard' : 'fleet');
  const screen: ScreenId = route?.screen ?? opening ?? 'fleet';
  // The agent the Agent screen shows: the route's, else the last one shown (the screen stays
  // mounted, and Fleet's "Open" and the screen's picker agree through the route).
  const [lastAgent, setLastAgent] = useState<string>();
  const routeAgent = route?.screen === 'agent' ? route.agentId : undefined;
  if (routeAgent !== undefined && routeAgent !== lastAgent) setLastAgent(routeAgent);
  const agentId = routeAgent ?? lastAgent;
  const { compact, toggle: toggleDensity } = useDensity();
  const [help, setHelp] = useState(false);
  const search = useRef<HTMLInputElement>(null);

  const openAgent = useCallback((id: string) => navigate({ screen: 'agent', agentId: id }), [navigate]);
  const openHealth = useCallback(
    (filter: { site?: string; agentId?: string; text?: string }) =>
      navigate({ screen: 'health', health: filter }),
    [navigate],
  );
  const onHealthFilters = useCallback(
    (health: HealthFilters) => replace({ screen: 'health', health }),
    [replace],
  );
  const select = (id: string) => {
    const next = SCREEN_IDS.find((s) => s === id) ?? 'fleet';
    navigate(next === 'agent' && agentId ? { screen: 'agent', agentId } : { screen: next });
  };
  useShortcuts((action) => {
    if (action.kind === 'help') setHelp((h) => !h);
    else if (action.kind === 'search') search.current?.focus();
    else select(action.screen);
  });

  return (
    <div className={`app${compact ? ' density-compact' : ''}`}>
      <header className="app-header">
        <h1>Portico Console</h1>
        <Nav screens={SCREENS} current={screen} onSelect={select} />
        <div className="header-tools">
          <GlobalSearch ref={search} />
          <DensityToggle compact={compact} onToggle={toggleDensity} />
          <button type="button" aria-haspopup="dialog" onClick={() => setHelp(true)}>
            Keyboard shortcuts (?)
          </button>
        </div>
      </header>
      {help && <ShortcutsDialog onClose={() => setHelp(false)} />}
      <main id="main" tabIndex={-1}>
        {screen === 'dashboard' && (
          <DashboardScreen
            onOpenHealth={openHealth}
            onOpenAgent={openAgent}
            initialRange={route?.screen === 'dashboard' ? route.range : undefined}
            onRange={(range) => replace({ screen: 'dashboard', range })}
          />
        )}
        {/* Not before the first answer decides the opening screen: Fleet would fetch the whole
            health snapshot (11 MB with 50,000 servers) only to give way to the Dashboard, which
            it then slows by a second or more (bench:ui's fleet case). */}
        {screen === 'fleet' && (route !== undefined || opening !== undefined || fleet.isError) && (
          <FleetScreen onOpenAgent={openAgent} />
        )}
        {screen === 'health' && (
          <HealthScreen key={`health-${opened}`} initial={route?.health ?? {}} onFilters={onHealthFilters} />
        )}
        <Kept id="agent" current={screen}>
          <AgentScreen agentId={agentId} onSelectAgent={(id) => replace({ screen: 'agent', agentId: id })} />
        </Kept>
        <Kept id="certificates" current={screen}>
          <CertificatesScreen />
        </Kept>
        <Kept id="templates" current={screen}>
          <TemplatesScreen
            initialTemplate={route?.screen === 'templates' ? route.template : undefined}
            onTemplate={(template) =>
              replace(template ? { screen: 'templates', template } : { screen: 'templates' })
            }
          />
        </Kept>
        {screen === 'activity' && (
          <ActivityScreen
            agentId={route?.screen === 'activity' ? route.agentId : undefined}
            onAgent={(id) => replace(id ? { screen: 'activity', agentId: id } : { screen: 'activity' })}
          />
        )}
        {screen === 'settings' && <SettingsScreen />}
        {screen === 'about' && <AboutScreen />}
      </main>
    </div>
  );
}
