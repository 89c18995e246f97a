/**
 * One fan-out operation's per-agent progress, as the `progress` events left it in the cache
 * (api/apply-event.ts reduces them into `queryKeys.operation(id)`). skipToken: there is nothing
 * to fetch, so neither a mount nor a resync's invalidation can replace what was gathered.
 */
import { skipToken, useQuery } from '@tanstack/react-query';
import type { OperationProgress } from './operations.ts';
import { queryKeys } from './query-keys.ts';

export function useOperationProgress(operationId: string): OperationProgress | undefined {
  return useQuery<OperationProgress>({ queryKey: queryKeys.operation(operationId), queryFn: skipToken }).data;
}
