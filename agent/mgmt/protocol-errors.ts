/**
 * Domain errors as protocol errors, in one place: the config store's refusals, the certificate
 * code's, the templates' problems and a missing object each become the RpcError (and its data)
 * the protocol documents, so every method file stays a thin translation.
 */
import { CertError } from '../../shared/certs/errors.ts';
import { describeProblem } from '../../shared/model/problems.ts';
import { AcmeError } from '../acme/errors.ts';
import { CertStoreError } from '../certs/store-errors.ts';
import { ConfigConflictError, ConfigInvalidError } from '../config/config-store.ts';
import { RpcError } from './rpc-error.ts';

/** A template problem as shared/templates reports it. */
export interface TemplateProblemLike {
  path: string;
  message: string;
  params?: string[] | undefined;
  virtualService?: string | undefined;
  pool?: string | undefined;
}

export function notFound(kind: string, name: string): RpcError {
  return new RpcError('NOT_FOUND', `no ${kind} "${name}"`, { kind, name });
}

export function templateInvalid(message: string, problems: TemplateProblemLike[]): RpcError {
  const first = problems[0];
  return new RpcError(
    'TEMPLATE_INVALID',
    first ? `${message}: ${first.path || '(template)'}: ${first.message}` : message,
    {
      problems: problems.map((p) => ({
        path: p.path,
        message: p.message,
        ...(p.params ? { params: p.params } : {}),
        ...(p.virtualService ? { virtualService: p.virtualService } : {}),
        ...(p.pool ? { pool: p.pool } : {}),
      })),
    },
  );
}

/** The config store's refusals as protocol errors. */
export async function configErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ConfigConflictError)
      throw new RpcError('CONFLICT', err.message, { currentRevision: err.currentRevision });
    if (err instanceof ConfigInvalidError) {
      const first = err.problems[0];
      throw new RpcError(
        'INVALID_CONFIG',
        first ? `the configuration is not valid: ${describeProblem(first)}` : err.message,
        { problems: err.problems },
      );
    }
    throw err;
  }
}

/** The certificate code's refusals as protocol errors; its messages are written for admins. */
export async function certErrors<T>(
  work: () => Promise<T>,
  about: { name?: string; usedBy?: string[] },
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CertError)
      throw new RpcError('CERT_ERROR', err.message, { code: err.code, issues: err.issues });
    if (err instanceof CertStoreError) {
      switch (err.code) {
        case 'INVALID_NAME':
          throw new RpcError('INVALID_PARAMS', err.message, {
            problems: [{ path: 'name', message: err.message }],
          });
        case 'CERT_NOT_FOUND':
          throw new RpcError('NOT_FOUND', err.message, { kind: 'certificate', name: about.name ?? '' });
        case 'CERT_IN_USE':
          throw new RpcError('IN_USE', err.message, { usedBy: about.usedBy ?? [] });
        default:
          throw new RpcError('CERT_ERROR', err.message, {
            code: err.code,
            issues: [{ code: err.code, message: err.message }],
          });
      }
    }
    throw err;
  }
}

/** ACME's refusals (agent/acme) as protocol errors; the certificate store's as certErrors says. */
export async function acmeErrors<T>(work: () => Promise<T>, name: string): Promise<T> {
  try {
    return await certErrors(work, { name });
  } catch (err) {
    if (!(err instanceof AcmeError)) throw err;
    switch (err.code) {
      case 'INVALID':
        throw new RpcError('INVALID_PARAMS', err.message, { problems: [{ path: '', message: err.message }] });
      case 'NOT_FOUND':
        throw new RpcError('NOT_FOUND', err.message, { kind: 'ACME certificate', name });
      default:
        throw new RpcError('ACME_ERROR', err.message, {
          name,
          ...(err.domain ? { domain: err.domain } : {}),
          ...(err.type ? { type: err.type } : {}),
        });
    }
  }
}
