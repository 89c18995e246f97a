/**
 * `portico-agent check` for an agent whose engine is haproxy: the haproxy.cfg the config
 * renders to, then what this engine and `haproxy -c` say about it. Nothing runs; the rendered
 * side files (certificates from the store) are written to `<data-dir>/haproxy/files` as an
 * apply would write them, for haproxy -c to read.
 */
import type { AgentConfig } from '../../../shared/model/config.ts';
import { describeProblems } from '../../../shared/model/validate.ts';
import { openCertStore } from '../../certs/engine-source.ts';
import { silentLogger } from '../../log.ts';
import { HaproxyEngine } from './haproxy-engine.ts';

export async function showRenderedConfig(
  dataDir: string,
  config: AgentConfig,
  io: { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown } },
): Promise<number> {
  const engine = await HaproxyEngine.create({ dataDir, log: silentLogger(), certs: openCertStore(dataDir) });
  const { text, problems } = await engine.preview(config);
  if (text !== undefined) io.stdout.write(`--- haproxy.cfg (${engine.version}) ---\n${text}`);
  if (problems.length === 0) {
    io.stdout.write('--- haproxy -c: the configuration is valid ---\n');
    return 0;
  }
  io.stderr.write(`the haproxy engine refuses this configuration:\n${describeProblems(problems)}\n`);
  return 1;
}
