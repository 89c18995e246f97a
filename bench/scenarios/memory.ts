/**
 * Memory with many idle keep-alive clients: RSS before, while holding them, per connection.
 * Each reading follows QUIET_MS without traffic, as an appliance sits between bursts: the agent
 * gives memory back when it is quiet (agent/idle-collect.ts), and RSS read during or right after
 * a burst would measure the burst. The reading right after the load is reported beside it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { holdIdleConnections } from '../load/idle-conns.ts';
import { rssMB } from '../lib/procfs.ts';
import { SMALL_PATH } from '../peers/backend.ts';
import type { Scenario } from './types.ts';

/** Longer than the quiet spell after which the agent gives memory back (30 s). */
const QUIET_MS = 36_000;

export const memory: Scenario = {
  id: 'mem',
  title: 'Memory, idle clients',
  needs: 'http',
  includeDirect: false,
  // Once per peer: a second round would start from memory the allocator kept from the first
  // (HAProxy then showed 0.01 kB per connection), which measures retention, not connections.
  rounds: 1,
  metrics: [
    {
      key: 'rssStartMB',
      label: 'RSS at start, before any load',
      unit: 'MB',
      better: 'lower',
      digits: 1,
      proxyOnly: true,
    },
    {
      key: 'rssLoadedMB',
      label: 'RSS right after l7, cps, l4, p99',
      unit: 'MB',
      better: 'lower',
      digits: 1,
      proxyOnly: true,
    },
    {
      key: 'rssBeforeMB',
      label: 'RSS before (after l7, cps, l4, p99, then 36 s quiet)',
      unit: 'MB',
      better: 'lower',
      digits: 1,
      proxyOnly: true,
    },
    {
      key: 'rssWithMB',
      label: 'RSS holding idle conns',
      unit: 'MB',
      better: 'lower',
      digits: 1,
      proxyOnly: true,
    },
    {
      key: 'perConnKB',
      label: 'per idle connection',
      unit: 'kB',
      better: 'lower',
      digits: 2,
      proxyOnly: true,
    },
    { key: 'held', label: 'connections held', unit: 'conns', better: 'higher', digits: 0, proxyOnly: true },
  ],
  describe: (o) =>
    `${o.idleConnections} keep-alive connections, each sends one GET ${SMALL_PATH} and idles; RSS of the proxy's processes (VmRSS) after ${QUIET_MS / 1000} s quiet, one round`,
  async run(ctx, peer, at) {
    if (peer.pid === null) throw new Error('memory needs a proxy process');
    const loaded = rssMB(peer.pid);
    await sleep(QUIET_MS);
    const before = rssMB(peer.pid);
    const hold = await holdIdleConnections(at, {
      count: ctx.opts.idleConnections,
      batch: 250,
      path: SMALL_PATH,
      timeoutMs: 120_000,
    });
    try {
      // The same quiet before reading: lazy frees, and what the burst of 10,000 connects left.
      await sleep(QUIET_MS);
      const withConns = rssMB(peer.pid);
      const held = hold.openNow();
      return {
        rssStartMB: ctx.startRssMB.get(peer.id) ?? NaN,
        rssLoadedMB: loaded,
        rssBeforeMB: before,
        rssWithMB: withConns,
        perConnKB: held > 0 ? ((withConns - before) * 1000) / held : NaN,
        held,
        answered: hold.answered,
        failed: hold.failed,
      };
    } finally {
      await hold.closeAll();
      // Give the proxy a moment to tear 10,000 connections down before the next target.
      await sleep(1000);
    }
  },
};
