/**
 * The agent's advertiser and the Console's browser over real multicast on the loopback
 * interface only: every socket here joins the group on 127.0.0.1 and sends there.
 * (mdns-netns.test.ts covers real interfaces, in network namespaces of its own.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Bonjour } from 'bonjour-service';
import { startAdvertising, type Advertisement } from '../../agent/discovery/advertise.ts';
import { browse, type Browsing, type DiscoveredAgent } from '../../src-main/fleet/mdns-browser.ts';
import { until } from '../support/engine.ts';

const LO = ['127.0.0.1'];
const FINGERPRINT = Array.from({ length: 32 }, (_, i) =>
  (i * 7).toString(16).padStart(2, '0').toUpperCase(),
).join(':');

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

/** A unique instance name per test: other test runs on this host may use loopback mDNS too. */
const uniqueName = () => `lb-${randomUUID().slice(0, 8)}`;

function txtFor(name: string, site = 'hq') {
  return { id: randomUUID(), name, site, version: '0.1.0', fingerprint: FINGERPRINT };
}

async function advertise(name: string, txt = txtFor(name), port = 7443): Promise<Advertisement> {
  const ad = await startAdvertising({ name, port, txt, interfaces: LO });
  cleanup.push(() => ad.stop());
  return ad;
}

function watch(): { browsing: Browsing; ups: DiscoveredAgent[]; downs: DiscoveredAgent[] } {
  const ups: DiscoveredAgent[] = [];
  const downs: DiscoveredAgent[] = [];
  const browsing = browse(
    { interfaces: LO },
    (a) => ups.push(a),
    (a) => downs.push(a),
  );
  cleanup.push(() => browsing.stop());
  return { browsing, ups, downs };
}

const named = (list: DiscoveredAgent[], name: string) => list.filter((a) => a.name === name);

describe('on the loopback interface', () => {
  it('a browser sees the agent with its TXT fields and its loopback address only, and sees it go', async () => {
    const { ups, downs } = watch();
    const name = uniqueName();
    const txt = txtFor(name);
    const ad = await advertise(name, txt, 7443);
    await until(() => named(ups, name).length > 0, 'the agent to be discovered', 5_000);
    expect(named(ups, name)).toEqual([
      { name, host: expect.stringMatching(/\.local$/), addresses: ['127.0.0.1'], port: 7443, txt },
    ]);
    await ad.stop();
    await until(() => named(downs, name).length > 0, 'the goodbye', 3_000);
    expect(named(downs, name)[0]?.txt.id).toBe(txt.id);
  });

  it('a browser started later finds an agent that is already advertising (its query is answered)', async () => {
    const name = uniqueName();
    await advertise(name, txtFor(name, ''), 9000);
    // Past the first announcements, so only an answer to the browser's own query can find it.
    await new Promise((r) => setTimeout(r, 1_200));
    const { ups } = watch();
    await until(() => named(ups, name).length > 0, 'the answer to the query', 5_000);
    expect(named(ups, name)[0]).toMatchObject({ port: 9000, txt: { site: '' } });
  });

  it('a second agent with the same name is refused, and browsers do not lose the first one', async () => {
    const { ups, downs } = watch();
    const name = uniqueName();
    const first = txtFor(name);
    await advertise(name, first);
    await until(() => named(ups, name).length > 0, 'the first agent', 5_000);
    // bonjour-service reports the conflict on the console as well; keep the test output clean.
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(advertise(name, txtFor(name))).rejects.toThrow(
        /mDNS on lo \(127\.0\.0\.1\): the name ".*" is already in use/,
      );
    } finally {
      log.mockRestore();
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(named(downs, name)).toEqual([]);
    expect(named(ups, name).map((a) => a.txt.id)).toEqual([first.id]);
  });

  it('ignores services of our type whose TXT is not a Portico agent', async () => {
    const { ups } = watch();
    // A plain bonjour-service publisher, also on loopback only (its options go to multicast-dns).
    const loopbackOnly = { interface: '127.0.0.1', bind: '224.0.0.251' } as ConstructorParameters<
      typeof Bonjour
    >[0];
    const bonjour = new Bonjour(loopbackOnly, () => undefined);
    cleanup.push(() => new Promise((r) => bonjour.destroy(r)));
    const bogus = uniqueName();
    bonjour.publish({
      name: bogus,
      type: 'portico',
      port: 1,
      txt: { id: 'x', name: 'x', version: '1', fingerprint: 'nope' },
    });
    const good = uniqueName();
    await advertise(good);
    await until(() => named(ups, good).length > 0, 'the real agent', 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(named(ups, bogus)).toEqual([]);
  });

  it('stop can be called twice', async () => {
    const ad = await advertise(uniqueName());
    await Promise.all([ad.stop(), ad.stop()]);
  });
});

describe('advertising', () => {
  it('refuses to advertise on an interface this host does not have, before opening anything', async () => {
    await expect(
      startAdvertising({ name: 'x', port: 1, txt: txtFor('x'), interfaces: ['192.0.2.254'] }),
    ).rejects.toThrow(/192\.0\.2\.254: this host has no such IPv4 address/);
    await expect(startAdvertising({ name: 'x', port: 1, txt: txtFor('x'), interfaces: [] })).rejects.toThrow(
      /no interface/,
    );
  });
});
