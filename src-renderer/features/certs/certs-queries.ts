/**
 * This screen's own query: certificate usage across the fleet. The key lives here while the
 * screen is built in parallel with others; it belongs in api/query-keys.ts and api/queries.ts
 * (as `queryKeys.certsUsage()` and `certQueries.usage(api)`) once those files are free.
 */
import { queryOptions } from '@tanstack/react-query';
import type { DesktopApi } from '../../../shared/ipc/api.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';

export const certsKeys = {
  certs: ['certs'] as const,
  usage: () => [...certsKeys.certs, 'usage'] as const,
};

export const certsQueries = {
  usage: (api: DesktopApi) =>
    queryOptions({
      queryKey: certsKeys.usage(),
      queryFn: async () => unwrap(await api.certificateUsage()),
    }),
};
