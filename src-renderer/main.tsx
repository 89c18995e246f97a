/** Entry: find the DesktopApi (Electron preload or browser mode's secret) and mount the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import type { DesktopApi } from '../shared/ipc/api.ts';
import { resolveApi } from './api/resolve-api.ts';
import { App } from './app.tsx';
import './styles.css';

// The CSP forbids eval: without this, zod's first parse probes `new Function` and the browser
// reports a CSP violation even though zod falls back.
z.config({ jitless: true });

const root = createRoot(document.getElementById('root') as HTMLElement);
const resolved = resolveApi({
  api: (window as { api?: DesktopApi }).api,
  location: window.location,
  history: window.history,
  sessionStorage: window.sessionStorage,
});

root.render(
  <StrictMode>
    {resolved.api ? (
      <App api={resolved.api} />
    ) : (
      <main className="app">
        <div role="alert" className="error">
          {resolved.problem}
        </div>
      </main>
    )}
  </StrictMode>,
);
