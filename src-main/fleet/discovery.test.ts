import { describe, expect, it } from 'vitest';
import type { DiscoveredAgent } from './mdns-browser.ts';
import { startDiscovery } from './discovery.ts';

const FP1 = Array.from({ length: 32 }, () => 'AA').join(':');
const FP2 = Array.from({ length: 32 }, () => 'BB').join(':');
const heard = (id: string, name: string, fingerprint: string): DiscoveredAgent => ({
  name: `${name} (${id})`,
  host: `${name}.local`,
  addresses: ['192.0.2.10'],
  port: 7443,
  txt: { id, name, site: 'lab', version: '0.1.0', fingerprint },
});

// The mDNS side is mdns-browser.ts's browse(), tested over real multicast in
// test/integration/mdns-loopback.test.ts and mdns-netns.test.ts;
// here a stand-in drives it to check the list the pairing dialog gets.
describe('startDiscovery', () => {
  it('keeps the heard agents by id and says which are paired and which advertise another pin', async () => {
    let up!: (a: DiscoveredAgent) => void;
    let down!: (a: DiscoveredAgent) => void;
    let stopped = false;
    let changes = 0;
    const discovery = startDiscovery({
      interfaces: ['eth1'],
      pinned: (id) => ({ a: FP1, b: FP1 })[id],
      onChange: () => changes++,
      browse: (opts, onUp, onDown) => {
        expect(opts.interfaces).toEqual(['eth1']);
        up = onUp;
        down = onDown;
        return { stop: async () => void (stopped = true) };
      },
    });
    up(heard('a', 'lb-a', FP1));
    up(heard('b', 'lb-b', FP2));
    up(heard('c', 'lb-c', FP2));
    up(heard('c', 'lb-c', FP2)); // an update for the same agent replaces it
    expect(discovery.list().map((e) => [e.agent.txt.id, e.paired, e.fingerprintDiffers])).toEqual([
      ['a', true, false],
      ['b', true, true],
      ['c', false, false],
    ]);
    down(heard('b', 'lb-b', FP2));
    down(heard('zz', 'never-seen', FP2));
    expect(discovery.list().map((e) => e.agent.txt.id)).toEqual(['a', 'c']);
    expect(changes).toBe(5);
    await discovery.stop();
    expect(stopped).toBe(true);
  });
});
