/** One large download through a peer with curl, the same client for every peer. */
import { runTool } from '../lib/proc.ts';
import type { HostPort } from '../peers/types.ts';

export interface StreamResult {
  bytes: number;
  mibPerS: number;
}

export async function download(
  curl: string,
  target: HostPort,
  path: string,
  expectBytes: number,
): Promise<StreamResult> {
  const url = `http://${target.host}:${target.port}${path}`;
  // Bounded: even at 20 MiB/s a GiB finishes in under a minute; a hung peer is cut at 120 s.
  const r = await runTool(
    curl,
    [
      '-s',
      '-o',
      '/dev/null',
      '--max-time',
      '120',
      '-w',
      '%{http_code} %{size_download} %{speed_download}',
      url,
    ],
    {
      timeoutMs: 130_000,
    },
  );
  const [code, size, speed] = r.stdout.trim().split(' ').map(Number);
  if (r.code !== 0 || code !== 200 || size !== expectBytes) {
    throw new Error(
      `curl ${url}: exit ${r.code}, HTTP ${code}, ${size} of ${expectBytes} bytes ${r.stderr.trim()}`,
    );
  }
  return { bytes: size, mibPerS: (speed as number) / (1024 * 1024) };
}
