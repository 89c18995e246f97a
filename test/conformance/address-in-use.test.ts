/**
 * Conformance, an address:port another process already listens on: both engines bind with
 * SO_REUSEPORT, so a second agent (or anything else that asks for it) would share the port
 * silently and the connections would split between them. The apply is refused instead, naming
 * the owner (this test process: the agents run as root here and see it in /proc), and nothing
 * changes. Real agent processes: the test is then truly "another process" to them.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/conformance.ts';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import type { TestClient } from '../support/mgmt-agent.ts';
import { freePort } from '../support/ports.ts';

/** A listener as another agent holds it: SO_REUSEPORT, so a second one could join it. */
async function squat(port: number): Promise<Server> {
  const server = createServer((socket) => socket.end('squatter\n'));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port, reusePort: true }, resolve));
  return server;
}

const http = (name: string, port: number) => ({
  version: 2,
  pools: [{ name: 'web', servers: [{ name: 'a', address: '127.0.0.1', port: 9 }] }],
  virtualServices: [{ name, protocol: 'http', listen: { address: '127.0.0.1', port }, pool: 'web' }],
});

describe.each(ENGINES)('%s engine', (kind) => {
  let agent: AgentProcess;
  let client: TestClient;
  let squatter: Server;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    squatter = await squat(port);
    agent = await startAgentProcess({ args: ['--engine', kind] });
    client = await agent.client();
  });
  afterAll(async () => {
    client?.close();
    await agent?.cleanup();
    if (squatter) await new Promise((resolve) => squatter.close(resolve));
  });

  it('refuses the apply and names the process that holds the address', async () => {
    const answer = await client.call('config.apply', { config: http('web', port) });
    expect('error' in answer && answer.error.message).toMatch(
      new RegExp(`127\\.0\\.0\\.1:${port} is already in use by node \\(pid ${process.pid}\\)`),
    );
    const problems = ('error' in answer && (answer.error.data as { problems: unknown[] }).problems) || [];
    expect(problems).toContainEqual({
      path: 'virtualServices[0].listen',
      where: 'service "web", listen',
      message: expect.stringMatching(/stop it, or choose another address or port$/),
    });
    expect(await client.result('config.get')).toMatchObject({ revision: 0 });
  });

  it('an address it holds itself stays usable when the service changes', async () => {
    const own = await freePort();
    await client.result('config.apply', { config: http('web', own) });
    const changed = http('web', own);
    (changed.virtualServices[0] as Record<string, unknown>).denyPaths = ['/admin'];
    await client.result('config.apply', { config: changed });
    expect(await client.result('config.get')).toMatchObject({ revision: 2 });
  });
});
