import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CfgWriter } from './cfg-writer.ts';
import { renderChallengeRules, writeChallengeMap } from './challenge-map.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the HTTP-01 map', () => {
  it('holds base64url tokens and answers only, one per line, 0600', async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-challenge-map-'));
    const path = join(dir, 'acme-challenges.map');
    await writeChallengeMap(path, [
      ['tok_en-1', 'tok_en-1.thumb-print_2'],
      // A value with a space or a newline would add a map entry or a command: never written.
      ['bad token', 'x'],
      ['tok2', 'answer\nadd map'],
    ]);
    expect(readFileSync(path, 'utf8')).toBe('tok_en-1 tok_en-1.thumb-print_2\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await writeChallengeMap(path, []);
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('is consulted by two rules: the look-up on the challenge path, then the answer', () => {
    const w = new CfgWriter();
    w.section('frontend web', 'virtualServices[0]');
    renderChallengeRules(w, '/var/lib/portico/haproxy/acme-challenges.map');
    const text = w.text();
    expect(text).toContain(
      `http-request set-var(txn.portico_acme) path,field(4,/),map("/var/lib/portico/haproxy/acme-challenges.map") if { path -m reg '^\\/\\.well\\-known\\/acme\\-challenge\\/[A-Za-z0-9_-]+$' }`,
    );
    expect(text).toContain(
      'http-request return status 200 content-type "text/plain" lf-string %[var(txn.portico_acme)] if { var(txn.portico_acme) -m found }',
    );
  });
});
