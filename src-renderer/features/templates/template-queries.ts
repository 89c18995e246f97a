/**
 * The queries this screen reads besides the fleet. Their keys sit under the prefixes other
 * views would use (`['templates']`, `['certs']`), so a shared key in api/query-keys.ts can take
 * them over without a second cache entry.
 */
import { queryOptions } from '@tanstack/react-query';
import type { DesktopApi } from '../../../shared/ipc/api.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';

export const templateQueries = {
  list: (api: DesktopApi) =>
    queryOptions({
      queryKey: ['templates', 'list'] as const,
      queryFn: async () => unwrap(await api.listTemplates()),
    }),
  /** Certificate store entries across the fleet: the certificate picker's choices. */
  certificateUsage: (api: DesktopApi) =>
    queryOptions({
      queryKey: ['certs', 'usage'] as const,
      queryFn: async () => unwrap(await api.certificateUsage()),
    }),
};
