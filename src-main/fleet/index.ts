/**
 * The Console's fleet core: what the shell (IPC), the browser mode and the CLI use. Nothing
 * here imports Electron; the store and its SecretBox are passed in.
 */
export {
  AgentClient,
  DEFAULT_TUNING,
  type AgentClientOptions,
  type AgentEndpoint,
  type ClientTuning,
} from './agent-client.ts';
export { mismatchMessage, type AgentState, type AgentStateKind } from './agent-state.ts';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export { startDiscovery, type Discovery, type DiscoveredEntry, type DiscoveryOptions } from './discovery.ts';
export { fanOut, type FanOutOperation, type FanOutProgress } from './fan-out.ts';
export {
  FleetManager,
  type AgentLiveView,
  type AgentSummary,
  type FleetChange,
  type FleetManagerOptions,
  type SiteGroup,
} from './fleet-manager.ts';
export {
  DEFAULT_HISTORY,
  HealthHistory,
  type HealthSample,
  type HealthSeries,
  type HistoryOptions,
} from './health-history.ts';
export type { PoolMemberView, PoolView, VirtualServiceView } from './live-view.ts';
export {
  fetchFingerprint,
  pairAgent,
  pairTargetFrom,
  PairingError,
  repairAgent,
  type PairingErrorCode,
  type PairRequest,
  type PairResult,
  type RepairRequest,
} from './pairing.ts';
export { RequestError, RpcError, toFailure, type Failure, type RequestFailureKind } from './rpc-errors.ts';
export type { AgentEvent } from './rpc-session.ts';
