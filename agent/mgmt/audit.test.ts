/**
 * audit.list, config.revision and config.rollback over a real wss session against the real
 * management plane (engine, config store, audit log and kept revisions in a temp data dir).
 */
import { statSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../shared/protocol/codes.ts';
import { startBackend, type Backend } from '../../test/support/backends.ts';
import {
  makeIdentity,
  startTestAgent,
  type TestAgent,
  type TestClient,
} from '../../test/support/mgmt-agent.ts';
import { RevisionFiles } from '../config/revision-files.ts';

let agent: TestAgent;
let client: TestClient;
let backend: Backend;
beforeEach(async () => {
  agent = await startTestAgent({ identity: makeIdentity() });
  client = await agent.connect();
  backend = await startBackend('rs');
});
afterEach(async () => {
  client.close();
  await agent.close();
  await backend.close();
});

const pool = (servers: string[]) => ({
  name: 'app',
  servers: servers.map((name) => ({ name, address: '127.0.0.1', port: backend.port })),
});

interface Entry {
  seq: number;
  action: string;
  ok: boolean;
  revision?: number;
  actor: { tokenId: string; peer: string };
  detail?: Record<string, unknown>;
  error?: string;
}
const audit = async (params: { limit?: number; before?: number } = {}) =>
  (await client.result('audit.list', params)) as unknown as { entries: Entry[]; more: boolean };

describe('the activity of an agent', () => {
  it('lists who did what, newest first, with the revision each change produced, a page at a time', async () => {
    await client.result('pool.upsert', { pool: pool(['a']), expectRevision: 0 });
    await client.result('pool.upsert', { pool: pool(['a', 'b']), expectRevision: 1 });
    await client.result('realServer.setEnabled', {
      pool: 'app',
      server: 'b',
      enabled: false,
      expectRevision: 2,
    });
    // A refused change is in the log too, with its reason.
    await client.call('pool.upsert', { pool: pool(['a']), expectRevision: 1 });

    const { entries, more } = await audit();
    expect(more).toBe(false);
    expect(entries.map((e) => [e.action, e.ok, e.revision])).toEqual([
      ['pool.upsert', false, undefined],
      ['realServer.drain', true, 3],
      ['pool.upsert', true, 2],
      ['pool.upsert', true, 1],
    ]);
    expect(entries[0]!.error).toContain('revision');
    // Who: the credential's id and the session's peer, never the token.
    expect(entries[1]!.actor.peer).toMatch(/127\.0\.0\.1/);
    expect(JSON.stringify(entries)).not.toContain(agent.token);

    const first = await audit({ limit: 2 });
    expect(first.more).toBe(true);
    const second = await audit({ limit: 2, before: first.entries.at(-1)!.seq });
    expect([...first.entries, ...second.entries].map((e) => e.seq)).toEqual(entries.map((e) => e.seq));
    expect(second.more).toBe(false);
  });

  it('keeps each revision’s configuration (0600) and rolls back to one as a new, audited revision', async () => {
    await client.result('pool.upsert', { pool: pool(['a']), expectRevision: 0 });
    await client.result('pool.upsert', { pool: pool(['a', 'b']), expectRevision: 1 });

    const one = (await client.result('config.revision', { revision: 1 })) as {
      config: { pools: { servers: { name: string }[] }[] };
    };
    expect(one.config.pools[0]!.servers.map((s) => s.name)).toEqual(['a']);
    expect(statSync(join(agent.dataDir, 'revisions', '1.json')).mode & 0o777).toBe(0o600);

    // A rollback that names a stale revision changes nothing.
    const stale = await client.call('config.rollback', { revision: 1, expectRevision: 1 });
    expect('error' in stale && stale.error.code).toBe(ERROR_CODES.CONFLICT);

    expect(await client.result('config.rollback', { revision: 1, expectRevision: 2 })).toEqual({
      revision: 3,
    });
    const now = (await client.result('config.get')) as {
      revision: number;
      config: { pools: { servers: unknown[] }[] };
    };
    expect(now.revision).toBe(3);
    expect(now.config.pools[0]!.servers).toHaveLength(1);
    const [latest] = (await audit({ limit: 1 })).entries;
    expect(latest).toMatchObject({
      action: 'config.rollback',
      ok: true,
      revision: 3,
      detail: { toRevision: 1 },
    });
  });

  it('says a revision that is not kept is not kept', async () => {
    const answer = await client.call('config.revision', { revision: 42 });
    expect('error' in answer && answer.error).toMatchObject({
      code: ERROR_CODES.NOT_FOUND,
      message: expect.stringContaining('revision 42 is not kept on this agent'),
    });
    const rollback = await client.call('config.rollback', { revision: 42 });
    expect('error' in rollback && rollback.error.code).toBe(ERROR_CODES.NOT_FOUND);
  });

  it('skips a torn line at the end of the log instead of failing', async () => {
    await client.result('pool.upsert', { pool: pool(['a']), expectRevision: 0 });
    appendFileSync(join(agent.dataDir, 'audit.log'), '{"time":"2026-');
    expect((await audit()).entries.map((e) => e.revision)).toEqual([1]);
  });
});

describe('RevisionFiles', () => {
  it('keeps only the newest revisions', async () => {
    const dir = agent.dataDir;
    const files = new RevisionFiles(join(dir, 'bounded'), 3);
    for (let n = 1; n <= 5; n++) await files.keep(n, { version: 2, pools: [], virtualServices: [] });
    expect(await files.list()).toEqual([3, 4, 5]);
    expect(await files.get(2)).toBeUndefined();
    writeFileSync(join(dir, 'bounded', 'revisions', 'notes.txt'), 'not a revision');
    expect(await files.list()).toEqual([3, 4, 5]);
  });
});
