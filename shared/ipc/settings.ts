/**
 * Settings channels: the Console's own settings an admin changes from the UI (the alert
 * thresholds). Stored with the rest of the Console's settings (src-main/store). The schema is
 * here so the renderer's form and the main process check the same rules. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { channel, NoParams } from './channel.ts';

export const AlertThresholds = z
  .object({
    /** A service alerts when 5xx (or failed TCP connections) reach this share of its answers over a minute. */
    errorRatePercent: z.number().min(0.1).max(100).default(5),
    /** … and at least this many of them in that minute, so a single 503 on a quiet service does not page anyone. */
    errorRateMinimum: z.number().int().min(1).max(1_000_000).default(10),
    /** A certificate expiring within this many days raises a warning. */
    certificateWarningDays: z.number().int().min(1).max(365).default(30),
    /** … and within this many days, a critical alert. */
    certificateCriticalDays: z.number().int().min(1).max(365).default(7),
    /** Desktop notifications for new alerts while the Console's window is not focused. */
    notifications: z.boolean().default(true),
  })
  .strict()
  .refine((t) => t.certificateCriticalDays <= t.certificateWarningDays, {
    message: 'the critical period is at most the warning period',
    path: ['certificateCriticalDays'],
  });
export type AlertThresholds = z.output<typeof AlertThresholds>;

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = AlertThresholds.parse({});

export interface ConsoleSettingsView {
  alerts: AlertThresholds;
}

export const UpdateSettingsParams = z.object({ alerts: AlertThresholds }).strict();

export const SETTINGS_CHANNELS = {
  getSettings: channel<ConsoleSettingsView>()(NoParams),
  /** Replaces the alert thresholds; answers the settings now in force. */
  updateSettings: channel<ConsoleSettingsView>()(UpdateSettingsParams),
};
