/**
 * Alert channels: what the Console found wrong (a real server down, an agent offline or
 * refusing us, a changed fingerprint, a certificate close to expiry, a service answering too
 * many 5xx), each with when it started, whether it is still on and whether an admin
 * acknowledged it. One alert per subject: a server that flaps updates its alert (count) rather
 * than adding one per flap. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { channel, NoParams } from './channel.ts';

export const ALERT_KINDS = [
  'server-down',
  'agent-offline',
  'agent-refused',
  'fingerprint-changed',
  'certificate-expiring',
  'error-rate',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertSeverity = 'warning' | 'critical';

export interface Alert {
  /** Stable per subject (kind + agent + object): raising it again updates this alert. */
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** One sentence an admin reads as it is: what, where, and why when known. */
  message: string;
  /** The agent it concerns (absent for a certificate found on several). */
  agentId?: string;
  site?: string;
  /** When it was last raised (ISO). */
  raisedAt: string;
  /** When the condition ended; absent while it is on. */
  resolvedAt?: string;
  /** When an admin acknowledged it; raising it again clears this. */
  acknowledgedAt?: string;
  /** Times raised since it was first seen (a flapping server counts each fall). */
  count: number;
}

export interface AlertList {
  /** Newest first: active ones, then resolved ones (kept a while for the record). */
  alerts: Alert[];
  /** Active and not acknowledged. */
  unacknowledged: number;
}

export const AcknowledgeAlertsParams = z
  .object({
    /** Alerts to acknowledge; omitted: every active one. */
    ids: z.array(z.string().min(1).max(600)).max(1_000).optional(),
  })
  .strict();

export const ALERT_CHANNELS = {
  /** Active alerts and recently resolved ones, newest first. */
  listAlerts: channel<AlertList>()(NoParams),
  /** Marks alerts as seen by an admin; they stay listed until resolved. */
  acknowledgeAlerts: channel<{ acknowledged: number }>()(AcknowledgeAlertsParams),
};
