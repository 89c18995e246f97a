/**
 * Settings channels: the Console's own settings an admin changes from the UI (the alert
 * thresholds, the theme, how long traffic history is kept). Stored with the rest of the Console's settings (src-main/store). The schema is
 * here so the renderer's form and the main process check the same rules. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { channel, NoParams } from './channel.ts';

const between = (min: number, max: number, integer = false) => {
  const text = `${integer ? 'a whole number' : 'a number'} from ${min} to ${max.toLocaleString('en')}`;
  const n = z.number({ error: text }).min(min, text).max(max, text);
  return integer ? n.int(text) : n;
};

export const AlertThresholds = z
  .object({
    /** A service alerts when 5xx (or failed TCP connections) reach this share of its answers over a minute. */
    errorRatePercent: between(0.1, 100).default(5),
    /** … and at least this many of them in that minute, so a single 503 on a quiet service does not page anyone. */
    errorRateMinimum: between(1, 1_000_000, true).default(10),
    /** A certificate expiring within this many days raises a warning. */
    certificateWarningDays: between(1, 365, true).default(30),
    /** … and within this many days, a critical alert. */
    certificateCriticalDays: between(1, 365, true).default(7),
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

/** System follows the operating system's light/dark choice (prefers-color-scheme); the others force one. */
export const THEMES = ['system', 'light', 'dark'] as const;
export const Theme = z.enum(THEMES, { error: 'the theme is one of system, light or dark' });
export type Theme = z.output<typeof Theme>;

/** The choices the form offers; the schema accepts any whole number of hours in the same range. */
export const HISTORY_RETENTION_CHOICES_HOURS = [1, 6, 24, 72, 168] as const;
/**
 * How long the Console keeps the traffic history it received (per agent, 1-minute slots), in
 * hours. 24 is what it always kept; a week is the most, as a week of a large agent's slots is
 * already tens of megabytes on the admin's disk.
 */
export const HistoryRetentionHours = between(1, 168, true);
export const DEFAULT_HISTORY_RETENTION_HOURS = 24;

export interface ConsoleSettingsView {
  alerts: AlertThresholds;
  theme: Theme;
  historyRetentionHours: number;
}

export const DEFAULT_SETTINGS_VIEW: ConsoleSettingsView = {
  alerts: DEFAULT_ALERT_THRESHOLDS,
  theme: 'system',
  historyRetentionHours: DEFAULT_HISTORY_RETENTION_HOURS,
};

/** A patch: each part of the Settings screen saves its own part; what is left out stays as it is. */
export const UpdateSettingsParams = z
  .object({
    alerts: AlertThresholds.optional(),
    theme: Theme.optional(),
    historyRetentionHours: HistoryRetentionHours.optional(),
  })
  .strict();

export const SETTINGS_CHANNELS = {
  getSettings: channel<ConsoleSettingsView>()(NoParams),
  /** Changes the parts given; answers the settings now in force. */
  updateSettings: channel<ConsoleSettingsView>()(UpdateSettingsParams),
};
