/**
 * Runs the agent's advertiser or the Console's browser in a child process, so that a test can put it into a network
 * namespace (`ip netns exec NS node mdns-child.ts …`). Reports on stdout, one JSON object a line.
 *   advertise '<AdvertiseOptions as JSON>'  → {"event":"advertising"} | {"event":"failed","message":…}
 *   browse '<BrowseOptions as JSON>'        → {"event":"up"|"down","agent":…}
 * SIGTERM stops it cleanly (goodbye packets for an advertiser), then {"event":"stopped"}.
 */
import { startAdvertising, type AdvertiseOptions } from '../../agent/discovery/advertise.ts';
import { browse, type BrowseOptions } from '../../src-main/fleet/mdns-browser.ts';

const [mode, json] = process.argv.slice(2);
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

let stop: () => Promise<void> = async () => undefined;
process.on('SIGTERM', () => {
  void stop().then(() => {
    say({ event: 'stopped' });
    process.exit(0);
  });
});

if (mode === 'advertise') {
  try {
    const ad = await startAdvertising(JSON.parse(json ?? '{}') as AdvertiseOptions);
    stop = () => ad.stop();
    say({ event: 'advertising' });
  } catch (error) {
    say({ event: 'failed', message: (error as Error).message });
  }
} else if (mode === 'browse') {
  const b = browse(
    JSON.parse(json ?? '{}') as BrowseOptions,
    (agent) => say({ event: 'up', agent }),
    (agent) => say({ event: 'down', agent }),
  );
  stop = () => b.stop();
  say({ event: 'browsing' });
} else {
  process.stderr.write('usage: mdns-child.ts advertise|browse JSON\n');
  process.exit(2);
}
// Keep running until SIGTERM.
setInterval(() => undefined, 60_000);
