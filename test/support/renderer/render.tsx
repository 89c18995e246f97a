/**
 * Renders a screen as the app does (ApiProvider, a real QueryClient, the event wiring) over a
 * test DesktopApi. Retries are off so an error shows at once.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { ApiProvider } from '../../../src-renderer/api/api-context.tsx';
import { useConsoleEvents } from '../../../src-renderer/api/use-console-events.ts';
import type { TestApi } from './test-api.ts';

function Events({ test }: { test: TestApi }) {
  useConsoleEvents(test.api);
  return null;
}

export function renderWithApi(ui: ReactNode, test: TestApi) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const result = render(
    <ApiProvider api={test.api}>
      <QueryClientProvider client={client}>
        <Events test={test} />
        {ui}
      </QueryClientProvider>
    </ApiProvider>,
  );
  return { ...result, client };
}
