/**
 * Pools and virtual services as an agent reports them: parsed with the model's schema, so its
 * defaults are filled in and a test compares what a Console would really see.
 */
import {
  Pool as PoolSchema,
  VirtualService as VirtualServiceSchema,
  type Pool,
  type VirtualService,
} from '../../shared/model/config.ts';

/** A pool with `servers` as [name, address, port]. */
export function pool(
  name: string,
  servers: [string, string, number][],
  extra: Record<string, unknown> = {},
): Pool {
  return PoolSchema.parse({
    name,
    servers: servers.map(([n, address, port]) => ({ name: n, address, port })),
    ...extra,
  });
}

/**
 * A virtual service on 0.0.0.0:`port` sending to `poolName` (http unless `extra` says;
 * `pool: undefined` in `extra` leaves the pool out).
 */
export function service(
  name: string,
  port: number,
  poolName: string,
  extra: Record<string, unknown> = {},
): VirtualService {
  const doc: Record<string, unknown> = {
    name,
    listen: { address: '0.0.0.0', port },
    protocol: 'http',
    pool: poolName,
    ...extra,
  };
  return VirtualServiceSchema.parse(
    Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)),
  );
}
