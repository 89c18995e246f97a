/** The app's QueryClient defaults: retry only what retrying can fix. */
import { QueryClient } from '@tanstack/react-query';
import { ConsoleError } from '../../shared/ipc/errors.ts';

/** A refused token or an invalid request stays refused; a dropped connection may come back. */
const RETRYABLE = new Set(['TRANSPORT', 'TIMEOUT']);

export function shouldRetry(failureCount: number, error: unknown): boolean {
  return failureCount < 2 && error instanceof ConsoleError && RETRYABLE.has(error.code);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Pushed events keep the cache current; refetching on focus would only add load.
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
}
