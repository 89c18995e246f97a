/**
 * Every certificate entry of every agent with its source, expiry and renewal state (the
 * `fleetCertificates` channel), under the certificates' key prefix: whatever invalidates
 * `queryKeys.certs` (a request, a renewal) refetches it too.
 */
import { queryOptions } from '@tanstack/react-query';
import type { DesktopApi } from '../../../shared/ipc/api.ts';
import { unwrap } from '../../../shared/ipc/errors.ts';
import { queryKeys } from '../../api/query-keys.ts';

/** Renewals happen on the agents' own schedule: asked again now and then while shown. */
export const FLEET_CERTIFICATES_REFRESH_MS = 60_000;

export const fleetCertificatesQuery = (api: DesktopApi) =>
  queryOptions({
    queryKey: [...queryKeys.certs, 'fleet'] as const,
    queryFn: async () => unwrap(await api.fleetCertificates()),
    refetchInterval: FLEET_CERTIFICATES_REFRESH_MS,
  });
