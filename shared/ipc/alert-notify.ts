/**
 * Desktop notifications for new alerts, the same in the Electron shell (its Notification) and
 * in browser mode (the browser's): only while the Console's window is not focused (an admin
 * looking at it sees the alert list), only when the settings allow, and at most one every few
 * seconds: what was raised in between is told together in the next one ("5 new alerts").
 *
 * Runtime-neutral: timers only; `show` and `focused` come from the caller.
 */
import type { Alert, AlertKind } from './alerts.ts';

const KIND_TITLE: Record<AlertKind, string> = {
  'server-down': 'Real server down',
  'agent-offline': 'Agent offline',
  'agent-refused': 'Agent refuses the Console',
  'fingerprint-changed': 'Agent fingerprint changed',
  'certificate-expiring': 'Certificate expiring',
  'error-rate': 'Too many errors',
};

/** Title and body of one notification for `raised` (newest alerts) and `more` others. */
export function notificationText(raised: readonly Alert[], more: number): { title: string; body: string } {
  const total = raised.length + more;
  if (total === 1 && raised[0])
    return { title: `Portico: ${KIND_TITLE[raised[0].kind]}`, body: raised[0].message };
  const shown = raised.slice(0, 3).map((a) => a.message);
  const rest = total - shown.length;
  return {
    title: `Portico: ${total} new alerts`,
    body: [...shown, ...(rest > 0 ? [`and ${rest} more`] : [])].join('\n'),
  };
}

export interface AlertNotifierOptions {
  show: (text: { title: string; body: string }) => void;
  /** Whether the Console's window has the focus now. */
  focused: () => boolean;
  /** Whether the settings allow notifications now. */
  enabled: () => boolean;
  /** Least time between two notifications (default 5 s). */
  minGapMs?: number;
  now?: () => number;
}

export interface AlertNotifier {
  /** Alerts raised (from an `alerts` event). */
  offer(raised: readonly Alert[], more: number): void;
  stop(): void;
}

export function createAlertNotifier(opts: AlertNotifierOptions): AlertNotifier {
  const gap = opts.minGapMs ?? 5_000;
  const now = opts.now ?? Date.now;
  let last = -Infinity;
  let pending: Alert[] = [];
  let pendingMore = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    const raised = pending;
    const more = pendingMore;
    pending = [];
    pendingMore = 0;
    // Looked at meanwhile, or switched off: nothing to tell.
    if (raised.length + more === 0 || opts.focused() || !opts.enabled()) return;
    last = now();
    opts.show(notificationText(raised, more));
  };

  return {
    offer(raised, more) {
      if (raised.length + more === 0 || opts.focused() || !opts.enabled()) return;
      // Newest first, the text names at most three: keep what it can name, count the rest.
      pending = [...raised, ...pending];
      pendingMore += more;
      if (pending.length > 10) {
        pendingMore += pending.length - 10;
        pending = pending.slice(0, 10);
      }
      if (timer) return;
      const wait = last + gap - now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
