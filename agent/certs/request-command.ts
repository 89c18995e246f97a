/**
 * `portico-agent cert request` and `cert renew`: asked of the agent running on the data dir
 * (local-api.ts), since only it can answer the CA's HTTP-01 challenges. Each step is printed as
 * the agent reports it; the answer is the certificate stored and its next renewal, or the
 * domain that failed and why.
 */
import { formatDate } from '../../shared/certs/messages.ts';
import type { CertEvent } from '../../shared/protocol/acme.ts';
import { ERROR_CODES } from '../../shared/protocol/codes.ts';
import type { ParamsInput, ResultOf } from '../../shared/protocol/methods.ts';
import type { CommandIo } from './cert-command.ts';
import { callLocalAgent, LocalApiError } from './local-api.ts';

/** An order proves every name and waits for the CA: minutes at worst, never forever. */
const ORDER_TIMEOUT_MS = 5 * 60_000;

export async function runRequest(
  dataDir: string,
  params: ParamsInput<'cert.request'>,
  url: string | undefined,
  io: CommandIo,
): Promise<number> {
  return report(io, () =>
    callLocalAgent(dataDir, 'cert.request', params, {
      url,
      timeoutMs: ORDER_TIMEOUT_MS,
      onEvent: (e) => progress(e, params.name, io),
    }),
  );
}

export async function runRenew(
  dataDir: string,
  name: string,
  url: string | undefined,
  io: CommandIo,
): Promise<number> {
  return report(io, () =>
    callLocalAgent(
      dataDir,
      'cert.renew',
      { name },
      {
        url,
        timeoutMs: ORDER_TIMEOUT_MS,
        onEvent: (e) => progress(e, name, io),
      },
    ),
  );
}

function progress(event: CertEvent, name: string, io: CommandIo): void {
  if (event.name === name && event.step !== 'failed') io.stdout.write(`  ${event.step}: ${event.message}\n`);
}

async function report(io: CommandIo, call: () => Promise<ResultOf<'cert.request'>>): Promise<number> {
  let result: ResultOf<'cert.request'>;
  try {
    result = await call();
  } catch (error) {
    if (!(error instanceof LocalApiError)) throw error;
    const domain = (error.data as { domain?: string } | undefined)?.domain;
    const tag = error.code === ERROR_CODES.ACME_ERROR ? ' [ACME_ERROR]' : '';
    io.stderr.write(`error: ${error.message}${tag}\n`);
    if (domain) io.stderr.write(`failed name: ${domain}\n`);
    return 1;
  }
  const s = result.summary;
  io.stdout.write(
    [
      `${result.replaced ? 'renewed' : 'issued'} "${result.name}"`,
      `  names:    ${s.sans.dns.join(', ')}`,
      `  issuer:   ${s.issuer.dn}`,
      `  expires:  ${formatDate(s.notAfter)}`,
      `  key:      ${s.keyType}`,
      `  sha-256:  ${s.fingerprint}`,
      ...(result.bound.length ? [`  bound to: ${result.bound.join(', ')}`] : []),
      ...(result.reloaded.length ? [`  reloaded: ${result.reloaded.join(', ')}`] : []),
      `  renews:   ${formatDate(result.renewal.nextRenewalAt)} (from ${result.renewal.directoryUrl})`,
    ].join('\n') + '\n',
  );
  for (const warning of result.warnings) io.stderr.write(`warning: ${warning}\n`);
  return 0;
}
