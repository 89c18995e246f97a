/**
 * HTTP-01 answers (engines/challenges.ts) on HAProxy: every http and redirect frontend looks a
 * `/.well-known/acme-challenge/<token>` request up in one map file, before its other request
 * rules (deny paths, the redirect), and answers the key authorisation itself when the token is
 * there. The map is `<data-dir>/haproxy/acme-challenges.map`, empty almost always; each change
 * of the pending set is written there (what a reload or restart reads) and replaced in the
 * running HAProxy as one runtime API transaction (prepare/add/commit map), so a validation
 * never sees half a set.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../fs/atomic-write.ts';
import { CHALLENGE_PATH } from '../challenges.ts';
import type { CfgWriter } from './cfg-writer.ts';
import { cliCommand } from './cli-socket.ts';
import { escapeRegex, quote, regex } from './quote.ts';

/** Tokens and key authorisations are base64url (with one `.`): nothing else goes into the map. */
const SAFE = /^[A-Za-z0-9_.-]{1,512}$/;

export function challengeMapPath(dir: string): string {
  return join(dir, 'acme-challenges.map');
}

/** The two rules an http or redirect frontend starts its request rules with. */
export function renderChallengeRules(w: CfgWriter, mapPath: string): void {
  w.comment('HTTP-01: a pending ACME challenge is answered before anything else');
  const path = regex(`^${escapeRegex(CHALLENGE_PATH)}[A-Za-z0-9_-]+$`);
  w.line(
    `http-request set-var(txn.portico_acme) path,field(4,/),map(${quote(mapPath)}) if { path -m reg ${path} }`,
  );
  w.line(
    `http-request return status 200 content-type ${quote('text/plain')} lf-string %[var(txn.portico_acme)] if { var(txn.portico_acme) -m found }`,
  );
}

function mapText(entries: readonly [string, string][]): string {
  return entries
    .filter(([token, answer]) => SAFE.test(token) && SAFE.test(answer))
    .map(([token, answer]) => `${token} ${answer}\n`)
    .join('');
}

/** The file, as a reload or a restart will read it. */
export function writeChallengeMap(mapPath: string, entries: readonly [string, string][]): Promise<void> {
  return writeFileAtomic(mapPath, mapText(entries), 0o600);
}

/** The running HAProxy's copy, replaced whole. */
export async function pushChallengeMap(
  socket: string,
  mapPath: string,
  entries: readonly [string, string][],
): Promise<void> {
  const prepared = await cliCommand(socket, `prepare map ${mapPath}`);
  const version = /New version created: (\d+)/.exec(prepared)?.[1];
  if (!version) throw new Error(`prepare map: ${prepared.trim().slice(0, 200)}`);
  const lines = mapText(entries)
    .split('\n')
    .filter(Boolean)
    .map((line) => `add map @${version} ${mapPath} ${line}`);
  const out = await cliCommand(socket, [...lines, `commit map @${version} ${mapPath}`].join('; '));
  if (out.trim() !== '') throw new Error(`commit map: ${out.trim().slice(0, 200)}`);
}
