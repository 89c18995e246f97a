/**
 * The channel names alone, without their schemas: the preload needs only these, and a
 * sandboxed preload is bundled, so it should not carry zod and every schema along.
 * channels.ts checks at compile time that this list and the channel map have the same keys.
 *
 * Runtime-neutral.
 */
export const CHANNEL_NAMES = [
  'listAgents',
  'listDiscovered',
  'pairAgent',
  'rePairAgent',
  'removeAgent',
  'healthSnapshot',
  'healthHistory',
  'agentStatus',
  'getAgentConfig',
  'upsertPool',
  'removePool',
  'upsertVirtualService',
  'removeVirtualService',
  'setRealServerEnabled',
  'setServersEnabled',
  'listActivity',
  'revisionChanges',
  'rollbackRevision',
  'about',
  'probeFingerprint',
  'inspectCertificates',
  'pushCertificate',
  'replaceCertificate',
  'certificateUsage',
  'removeCertificate',
  'listTemplates',
  'previewTemplate',
  'applyTemplate',
  'dashboard',
  'dashboardServices',
  'listAlerts',
  'acknowledgeAlerts',
  'getSettings',
  'updateSettings',
  'listPairs',
  'createPair',
  'healPair',
  'failoverPair',
  'applyTemplateToPair',
  'pushCertificateToPair',
  'requestCertificate',
  'renewCertificate',
  'fleetCertificates',
] as const;

export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** The Electron IPC channel of a DesktopApi function: one namespace, so nothing else collides. */
export function ipcChannelOf(name: ChannelName): `portico:${ChannelName}` {
  return `portico:${name}`;
}
