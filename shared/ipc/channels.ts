/**
 * The one channel map: name → params schema and result type, for everything the renderer may
 * ask of the main process (podman-desktop keeps its IPC the same way). The preload, the
 * handlers, browser mode and the web client are all typed from it.
 *
 * Runtime-neutral: zod only.
 */
import type { z } from 'zod';
import { ACME_CHANNELS } from './acme.ts';
import { ABOUT_CHANNELS } from './about.ts';
import { ACTIVITY_CHANNELS } from './activity.ts';
import { AGENT_CONFIG_CHANNELS } from './agent-config.ts';
import { ALERT_CHANNELS } from './alerts.ts';
import { CERT_REMOVE_CHANNELS } from './cert-remove.ts';
import { CERT_CHANNELS } from './certs.ts';
import type { ChannelSpec } from './channel.ts';
import { DASHBOARD_CHANNELS } from './dashboard.ts';
import { FLEET_CHANNELS } from './fleet.ts';
import { HA_CHANNELS } from './ha.ts';
import { HEALTH_CHANNELS } from './health.ts';
import { PAIRING_PROBE_CHANNELS } from './pairing-probe.ts';
import type { ChannelName } from './names.ts';
import { SERVERS_ENABLED_CHANNELS } from './servers-enabled.ts';
import { SETTINGS_CHANNELS } from './settings.ts';
import { TEMPLATE_CHANNELS } from './templates.ts';

export const CHANNELS = {
  ...FLEET_CHANNELS,
  ...HEALTH_CHANNELS,
  ...AGENT_CONFIG_CHANNELS,
  ...SERVERS_ENABLED_CHANNELS,
  ...ACTIVITY_CHANNELS,
  ...ABOUT_CHANNELS,
  ...PAIRING_PROBE_CHANNELS,
  ...CERT_CHANNELS,
  ...CERT_REMOVE_CHANNELS,
  ...TEMPLATE_CHANNELS,
  ...DASHBOARD_CHANNELS,
  ...HA_CHANNELS,
  ...ALERT_CHANNELS,
  ...SETTINGS_CHANNELS,
  ...ACME_CHANNELS,
};

export type Channels = typeof CHANNELS;

/** Fails to compile when names.ts and the map disagree (a channel missing from either). */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKeys: SameKeys<keyof Channels, ChannelName> = true;
void sameKeys;

/** Params as the renderer writes them. */
export type ParamsInput<C extends ChannelName> = z.input<Channels[C]['params']>;
/** Params as the handler receives them: validated, defaults filled in, base64 decoded. */
export type ParamsOf<C extends ChannelName> = z.output<Channels[C]['params']>;
/** What the channel answers with. */
export type ResultOf<C extends ChannelName> = Channels[C] extends ChannelSpec<z.ZodType, infer R> ? R : never;

/** Own keys only: `toString` or `__proto__` from a URL must not look like channels. */
export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(CHANNELS, name);
}
