import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleEvent } from '../../shared/ipc/events.ts';
import { AlertCenter, type AlertInput } from './alert-center.ts';

const down = (key: string, message = `${key} down`): AlertInput => ({
  id: `server-down|a1|${key}`,
  kind: 'server-down',
  severity: 'critical',
  message,
  agentId: 'a1',
  site: 'east',
});

let now = Date.parse('2026-01-01T10:00:00.000Z');
let dir: string;
/** What the center made last told its subscribers (each center its own list: timers outlive tests). */
let events: Extract<ConsoleEvent, { type: 'alerts' }>[];
const center = (extra: Partial<ConstructorParameters<typeof AlertCenter>[0]> = {}) => {
  const own: typeof events = [];
  events = own;
  return new AlertCenter({ emit: (e) => own.push(e), now: () => now, eventMs: 0, ...extra });
};
const tick = () => new Promise((r) => setTimeout(r, 5));

beforeEach(() => {
  now = Date.parse('2026-01-01T10:00:00.000Z');
  dir = mkdtempSync(join(tmpdir(), 'portico-alerts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('AlertCenter', () => {
  it('raises once per subject, counts each fall, and clears the acknowledgement when raised again', () => {
    const alerts = center();
    alerts.raise(down('web/rs1'));
    alerts.raise(down('web/rs1')); // still on: nothing new
    expect(alerts.acknowledge()).toBe(1);
    now += 1_000;
    alerts.resolve('server-down|a1|web/rs1');
    expect(alerts.list().unacknowledged).toBe(0);
    now += 1_000;
    alerts.raise(down('web/rs1'));
    const [alert] = alerts.list().alerts;
    expect(alert).toMatchObject({ count: 2, raisedAt: '2026-01-01T10:00:02.000Z' });
    expect(alert).not.toHaveProperty('acknowledgedAt');
    expect(alert).not.toHaveProperty('resolvedAt');
    expect(alerts.list().unacknowledged).toBe(1);
  });

  it('changes the text of an alert that is on without raising it again', () => {
    const alerts = center();
    alerts.raise(down('web/rs1', 'connect refused'));
    alerts.raise(down('web/rs1', 'timeout'));
    expect(alerts.list().alerts).toMatchObject([{ message: 'timeout', count: 1 }]);
  });

  it('lists active alerts newest first, then resolved ones', () => {
    const alerts = center();
    for (const key of ['p/a', 'p/b', 'p/c']) {
      alerts.raise(down(key));
      now += 1_000;
    }
    alerts.resolve('server-down|a1|p/a');
    expect(alerts.list().alerts.map((a) => a.id.split('|')[2])).toEqual(['p/c', 'p/b', 'p/a']);
    expect(alerts.active().map((a) => a.id.split('|')[2])).toEqual(['p/b', 'p/c']);
  });

  it('tells subscribers in batches, naming what was raised and still on', async () => {
    const alerts = center({ eventMs: 50 });
    alerts.raise(down('p/a'));
    await tick();
    for (let i = 0; i < 15; i++) alerts.raise(down(`p/x${i}`));
    alerts.raise(down('p/flap'));
    alerts.resolve('server-down|a1|p/flap');
    await new Promise((r) => setTimeout(r, 80));
    expect(events).toHaveLength(2);
    expect(events[0]!.raised.map((a) => a.id)).toEqual(['server-down|a1|p/a']);
    expect(events[1]!.raised).toHaveLength(10);
    expect(events[1]!.more).toBe(5);
    expect(events[1]!.raised.some((a) => a.id.endsWith('flap'))).toBe(false);
  });

  it('holds at most `max` alerts, resolved ones going first', () => {
    const alerts = center({ max: 3 });
    alerts.raise(down('p/a'));
    alerts.raise(down('p/b'));
    alerts.resolve('server-down|a1|p/a');
    alerts.raise(down('p/c'));
    alerts.raise(down('p/d'));
    expect(alerts.list().alerts.map((a) => a.id.split('|')[2])).toEqual(['p/d', 'p/c', 'p/b']);
    alerts.raise(down('p/e'));
    expect(alerts.list().alerts).toHaveLength(3);
  });

  it('evicts the alert resolved longest ago first, whatever order they were raised in', () => {
    const alerts = center({ max: 3 });
    alerts.raise(down('p/a'));
    alerts.raise(down('p/b'));
    alerts.raise(down('p/c'));
    now += 1_000;
    alerts.resolve('server-down|a1|p/b');
    now += 1_000;
    alerts.resolve('server-down|a1|p/a');
    alerts.raise(down('p/d'));
    // b was resolved before a, though raised after it.
    expect(alerts.list().alerts.map((a) => [a.id.split('|')[2], a.resolvedAt === undefined])).toEqual([
      ['p/d', true],
      ['p/c', true],
      ['p/a', false],
    ]);
    // Raised again, a is active, and no longer a resolved one to evict: c, the oldest active, goes.
    alerts.raise(down('p/a'));
    alerts.raise(down('p/e'));
    expect(alerts.list().alerts.map((a) => a.id.split('|')[2])).toEqual(['p/e', 'p/a', 'p/d']);
  });

  it('expires resolved alerts after a day, those read back from the file too', async () => {
    const file = join(dir, 'alerts.json');
    const alerts = center({ file });
    alerts.raise(down('p/a'));
    alerts.raise(down('p/b'));
    alerts.resolve('server-down|a1|p/a');
    now += 3_600_000;
    alerts.resolve('server-down|a1|p/b');
    await alerts.close();
    now += 86_400_000 - 1_000;
    const again = center({ file });
    expect(again.list().alerts.map((a) => a.id.split('|')[2])).toEqual(['p/b']);
    now += 3_600_000;
    expect(again.list().alerts).toEqual([]);
  });

  it('keeps resolved alerts a day', () => {
    const alerts = center();
    alerts.raise(down('p/a'));
    alerts.resolve('server-down|a1|p/a');
    now += 86_400_000 + 1;
    expect(alerts.list().alerts).toEqual([]);
  });

  it('keeps alerts and acknowledgements across restarts, in a private file', async () => {
    const file = join(dir, 'alerts.json');
    const alerts = center({ file });
    alerts.raise(down('p/a'));
    alerts.raise(down('p/b'));
    alerts.acknowledge(['server-down|a1|p/a']);
    await alerts.close();
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('p/b');
    const again = center({ file });
    expect(again.list()).toMatchObject({ unacknowledged: 1 });
    expect(again.get('server-down|a1|p/a')?.acknowledgedAt).toBe('2026-01-01T10:00:00.000Z');
  });
});
