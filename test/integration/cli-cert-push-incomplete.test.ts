/**
 * `portico cert push` and an incomplete chain (issue 18), through runCli over real agent
 * processes: a PFX exported without its intermediate is refused before any agent is asked,
 * naming the missing issuer, where it was looked for and the flag that goes ahead anyway;
 * --allow-incomplete stores it; the intermediate named beside the PFX completes it, and the
 * Console's library then completes the same PFX alone the next time.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertStore } from '../../agent/certs/store.ts';
import { INTERMEDIATE_CN, PASSWORD, RSA_LEAF_CN } from '../support/cert-corpus.ts';
import { startCliFleet, type CliFleet } from '../support/cli-fleet.ts';

let fleet: CliFleet;
let passwordFile: string;

beforeAll(async () => {
  fleet = await startCliFleet('incomplete');
  passwordFile = join(fleet.dir, 'password.txt');
  writeFileSync(passwordFile, `${PASSWORD}\n`);
  const paired = await fleet.cli(
    'pair',
    `127.0.0.1:${fleet.a.port}`,
    '--token-file',
    join(fleet.dir, 'a.token'),
  );
  expect(paired.code, paired.err).toBe(0);
}, 60_000);
afterAll(() => fleet?.close());

/** The push of rsa-no-chain.pfx (leaf and key only) plus `files`, to agent a, as entry `name`. */
const push = (name: string, files: string[], ...flags: string[]) =>
  fleet.cli(
    'cert',
    'push',
    'rsa-no-chain.pfx',
    ...files,
    '--password-file',
    passwordFile,
    '--agents',
    'incomplete-a',
    '--name',
    name,
    // The corpus' AIA URLs name a host that does not exist: nothing leaves the machine.
    '--no-aia',
    ...flags,
  );

/** What agent a stored: entry name → certificates in its chain. */
const stored = async () =>
  Object.fromEntries((await new CertStore(fleet.a.dataDir).list()).map((e) => [e.name, e.certificates]));

describe('portico cert push with an incomplete chain', () => {
  it('refuses it by default, naming the missing issuer, and stores nothing', async () => {
    const refused = await push('www', []);
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toContain(
      `error CHAIN_INCOMPLETE: the chain stops at CN=${RSA_LEAF_CN}: its issuer CN=${INTERMEDIATE_CN} was found nowhere (in the files, the Console's library, or at the AIA URL) — clients that do not have it will fail with "unable to get local issuer certificate"; name the intermediate certificate file beside the PFX (it can be downloaded from http://pki.portico.test/intermediate.crt), or push anyway with --allow-incomplete\n`,
    );
    expect(refused.err).toContain('not pushed: the chain is incomplete\n');
    expect(await stored()).toEqual({});
  }, 30_000);

  it('pushes it with --allow-incomplete: the leaf alone lands on the agent', async () => {
    const pushed = await push('www', [], '--allow-incomplete');
    expect(pushed.code, pushed.err).toBe(0);
    expect(pushed.out).toMatch(/^ok {4}incomplete-a \(.*\): imported "www"\n$/);
    expect(pushed.err).toContain(
      'warning CHAIN_INCOMPLETE: pushed anyway (--allow-incomplete): the chain stops at',
    );
    expect(await stored()).toEqual({ www: 1 });
  }, 30_000);

  it('needs no flag with the intermediate (and its root) beside the PFX, nor later from the library', async () => {
    const withFiles = await push('www-full', ['intermediate.pem', 'root.pem']);
    expect(withFiles.code, withFiles.err).toBe(0);
    expect(withFiles.err).not.toContain('CHAIN_INCOMPLETE');
    // The root stays behind (clients have their own): leaf and intermediate.
    expect(await stored()).toMatchObject({ 'www-full': 2 });

    // That push taught the Console's library both CA certificates: the PFX alone completes now.
    const fromLibrary = await push('www-again', []);
    expect(fromLibrary.code, fromLibrary.err).toBe(0);
    expect(await stored()).toMatchObject({ 'www-again': 2 });
  }, 30_000);
});
