import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from './alerts.ts';
import { createAlertNotifier, notificationText } from './alert-notify.ts';

const alert = (n: number, kind: Alert['kind'] = 'server-down'): Alert => ({
  id: `server-down|a|p/rs${n}`,
  kind,
  severity: 'critical',
  message: `Real server p/rs${n} on lb1 is down`,
  raisedAt: '2026-01-01T00:00:00.000Z',
  count: 1,
});

afterEach(() => vi.useRealTimers());

describe('notificationText', () => {
  it.each([
    [[alert(1)], 0, { title: 'Portico: Real server down', body: 'Real server p/rs1 on lb1 is down' }],
    [
      [alert(1, 'certificate-expiring')],
      0,
      { title: 'Portico: Certificate expiring', body: 'Real server p/rs1 on lb1 is down' },
    ],
    [
      [alert(1), alert(2), alert(3), alert(4)],
      6,
      {
        title: 'Portico: 10 new alerts',
        body: 'Real server p/rs1 on lb1 is down\nReal server p/rs2 on lb1 is down\nReal server p/rs3 on lb1 is down\nand 7 more',
      },
    ],
  ])('%#', (raised, more, text) => expect(notificationText(raised, more)).toEqual(text));
});

describe('createAlertNotifier', () => {
  it('tells nothing while the window has the focus or the settings say no', () => {
    const show = vi.fn();
    let focused = true;
    let enabled = true;
    const n = createAlertNotifier({ show, focused: () => focused, enabled: () => enabled });
    n.offer([alert(1)], 0);
    focused = false;
    enabled = false;
    n.offer([alert(2)], 0);
    expect(show).not.toHaveBeenCalled();
    enabled = true;
    n.offer([alert(3)], 0);
    expect(show).toHaveBeenCalledTimes(1);
  });

  it('shows at most one every few seconds, then what came meanwhile together', () => {
    vi.useFakeTimers();
    const show = vi.fn();
    const n = createAlertNotifier({ show, focused: () => false, enabled: () => true, minGapMs: 5_000 });
    n.offer([alert(1)], 0);
    n.offer([alert(2)], 0);
    n.offer([alert(3)], 4);
    expect(show).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    expect(show).toHaveBeenCalledTimes(2);
    expect(show.mock.calls[1]![0]).toMatchObject({ title: 'Portico: 6 new alerts' });
  });

  it('drops what was pending when the admin looked meanwhile', () => {
    vi.useFakeTimers();
    const show = vi.fn();
    let focused = false;
    const n = createAlertNotifier({ show, focused: () => focused, enabled: () => true, minGapMs: 5_000 });
    n.offer([alert(1)], 0);
    n.offer([alert(2)], 0);
    focused = true;
    vi.advanceTimersByTime(5_000);
    expect(show).toHaveBeenCalledTimes(1);
  });
});
