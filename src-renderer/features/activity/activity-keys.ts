/** Query keys of the activity view, under one prefix so a rollback refreshes all of them. */
export const activityKeys = {
  all: ['activity'] as const,
  list: (agentId: string | undefined) => [...activityKeys.all, 'list', agentId ?? 'fleet'] as const,
  changes: (agentId: string, revision: number) =>
    [...activityKeys.all, 'changes', agentId, revision] as const,
};
