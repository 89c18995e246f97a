/**
 * What the health monitor checks: one real server of a pool with its pool's check, and how to
 * tell whether a reloaded target is the one already being checked. Config reloads build fresh
 * objects every time, so identity says nothing; the comparison is by value, and CA bundles
 * compare by bytes because a reload reads them again from the store.
 */
import type { HealthCheck } from '../../shared/model/config.ts';
import { deepEqual } from '../../shared/model/deep-equal.ts';
import type { TlsSettings } from './probes.ts';

export interface HealthTarget {
  /** `pool/server`, unique. */
  key: string;
  pool: string;
  server: string;
  address: string;
  /** The real server's port; the check uses `check.port` when set. */
  port: number;
  /** false → state `disabled`, no checks run. */
  enabled: boolean;
  check: HealthCheck;
  tls?: TlsSettings;
}

export function sameTarget(a: HealthTarget, b: HealthTarget): boolean {
  return (
    a.key === b.key &&
    a.pool === b.pool &&
    a.server === b.server &&
    a.address === b.address &&
    a.port === b.port &&
    a.enabled === b.enabled &&
    deepEqual(a.check, b.check) &&
    deepEqual(a.tls, b.tls)
  );
}
