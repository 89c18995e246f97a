/**
 * What the engine reads back from HAProxy — `show proc`, `show stat`, `show servers state`,
 * ALERT lines — and what it makes of it, on text captured from HAProxy 2.6.
 */
import { describe, expect, it } from 'vitest';
import { AgentConfig, type AgentConfigInput, type PoolInput } from '../../../shared/model/config.ts';
import type { RealServerHealth } from '../../../shared/model/health.ts';
import { problemsFrom } from './haproxy-problems.ts';
import { HealthView, readHealth } from './health-view.ts';
import { parseProcList } from './proc-list.ts';
import { classify } from './runtime-changes.ts';
import { carryServerState } from './server-state.ts';
import { StatsBook } from './stats-book.ts';
import { parseServersState, parseShowStat, type StatRow } from './stats-csv.ts';

const PROC = `#<PID>          <type>          <reloads>       <uptime>        <version>
3413            master          2 [failed: 1]   0d00h10m52s     2.6.12-1+deb12u4
# workers
14389           worker          1               0d00h00m08s     2.6.12-1+deb12u4
# old workers
12000           worker          2               0d00h01m08s     2.6.12-1+deb12u4
# programs
`;

describe('show proc', () => {
  it('reads the master, its reloads and failures, current and old workers', () => {
    expect(parseProcList(PROC)).toEqual({
      masterPid: 3413,
      reloads: 2,
      failed: 1,
      current: [14389],
      old: [12000],
    });
    expect(parseProcList('Unknown command')).toBeUndefined();
  });
});

describe('HAProxy output → problems at config objects', () => {
  const origins = ['', '', 'virtualServices[0]', 'pools[1]'];
  it.each([
    [
      "[ALERT]    (3241) : config : parsing [/d/haproxy.cfg:4] : 'bogus' unknown keyword",
      { path: 'pools[1]', message: "HAProxy: 'bogus' unknown keyword" },
    ],
    [
      '[ALERT]    (3413) : Binding [/d/haproxy.cfg:3] for frontend x: cannot bind socket (Address already in use) for [127.0.0.1:80]',
      {
        path: 'virtualServices[0]',
        message:
          'HAProxy: Binding [/d/haproxy.cfg:3] for frontend x: cannot bind socket (Address already in use) for [127.0.0.1:80]',
      },
    ],
  ])('%s', (line, problem) => {
    const out = `[NOTICE]   (1) : haproxy version is 2.6.12\n${line}\n[ALERT]    (1) : config : Error(s) found in configuration file : x\n[ALERT]    (1) : [/usr/sbin/haproxy.main()] Some protocols failed to start their listeners! Exiting.\n`;
    expect(problemsFrom(out, origins)).toEqual([problem]);
  });
});

const HEADER =
  '# pxname,svname,qcur,scur,stot,bin,bout,ereq,econ,eresp,status,lastchg,check_status,check_code,check_duration,req_tot,ttime,addr,check_desc,last_chk,connect,hrsp_2xx';
const stat = (...rows: string[]) => parseShowStat(`${HEADER}\n${rows.join('\n')}\n\n`);

describe('show stat', () => {
  it('reads columns by name', () => {
    const [row] = stat(
      'web,a,0,1,9,100,200,,0,0,UP,14,L7OK,200,1,9,3,127.0.0.1:8081,Layer7 check passed,,9,9',
    );
    expect(row).toMatchObject({
      pxname: 'web',
      svname: 'a',
      status: 'UP',
      check_status: 'L7OK',
      addr: '127.0.0.1:8081',
    });
  });

  it.each([
    ['UP', 'L7OK', false, 'up'],
    ['UP', 'INI', false, 'unknown'],
    ['UP', 'L4CON', false, 'unknown'],
    ['UP 1/3', 'L4CON', true, 'up'],
    ['DOWN', 'L4CON', true, 'down'],
    ['DOWN 1/2', 'L7OK', true, 'down'],
    ['MAINT', '', true, 'disabled'],
    ['DRAIN', 'L7OK', true, 'disabled'],
    ['no check', '', false, 'up'],
  ])('status %s, check %s (passed before: %s) → %s', (status, check, passed, state) => {
    const [row] = stat(
      `web,a,0,0,0,0,0,,0,0,${status},1,${check},,1,0,0,127.0.0.1:1,Layer4 connection problem,Connection refused,0,0`,
    );
    expect(readHealth(row!, passed).state).toBe(state);
  });

  it('a down server says why', () => {
    const [row] = stat(
      'web,a,0,0,0,0,0,,0,0,DOWN,1,L4CON,,1,0,0,127.0.0.1:1,Layer4 connection problem,Connection refused,0,0',
    );
    expect(readHealth(row!, true).reason).toBe('Layer4 connection problem: Connection refused');
    const [l7] = stat(
      'web,a,0,0,0,0,0,,0,0,DOWN,1,L7STS,503,1,0,0,127.0.0.1:1,Layer7 wrong status,Service Unavailable,0,0',
    );
    expect(readHealth(l7!, true).reason).toBe('Layer7 wrong status (503): Service Unavailable');
  });
});

describe('counters across workers', () => {
  const row = (req: number, addr = '127.0.0.1:8081', ttime = 3): string =>
    `web,a,0,1,${req},${req * 10},${req * 20},,0,0,UP,1,L7OK,200,1,${req},${ttime},${addr},,,${req},${req}`;

  it('adds what exited workers counted to what live ones count', () => {
    const book = new StatsBook();
    book.update(new Map([[1, stat(row(5))]]), new Set([1]), 1);
    // A reload: worker 2 starts from zero while 1 finishes.
    book.update(
      new Map([
        [1, stat(row(7))],
        [2, stat(row(2))],
      ]),
      new Set([1, 2]),
      2,
    );
    expect(book.counters('web/a').req_tot).toBe(9);
    // Worker 1 exits: its last reading stays counted.
    book.update(new Map([[2, stat(row(4))]]), new Set([2]), 2);
    expect(book.counters('web/a')).toMatchObject({ req_tot: 11, bin: 110, hrsp_2xx: 11, stot: 11 });
    // Alive but unread this time: nothing is lost or added twice.
    book.update(new Map(), new Set([2]), 2);
    book.update(new Map([[2, stat(row(4))]]), new Set([2]), 2);
    expect(book.counters('web/a').req_tot).toBe(11);
  });

  it('a server at a new address starts from zero', () => {
    const book = new StatsBook();
    book.update(new Map([[1, stat(row(5))]]), new Set([1]), 1);
    book.update(new Map([[2, stat(row(1, '127.0.0.1:9999'))]]), new Set([2]), 2);
    expect(book.counters('web/a').req_tot).toBe(1);
  });

  it('puts new requests in the bucket of their average time', () => {
    const book = new StatsBook();
    book.update(new Map([[1, stat(row(4, '127.0.0.1:8081', 3))]]), new Set([1]), 1);
    book.update(new Map([[1, stat(row(6, '127.0.0.1:8081', 40))]]), new Set([1]), 1);
    const l = book.latencyOf('web/a');
    expect(l.counts[2]).toBe(4); // ≤ 5 ms
    expect(l.counts[5]).toBe(2); // ≤ 50 ms
    expect(l.sumMs).toBe(4 * 3 + 2 * 40);
  });
});

type ServerInput = NonNullable<PoolInput['servers']>[number];
const config = (servers: ServerInput[], healthCheck: PoolInput['healthCheck'] = { type: 'tcp' }) =>
  AgentConfig.parse({ pools: [{ name: 'web', servers, healthCheck }], virtualServices: [] });

describe('health view', () => {
  it('publishes each change once, drained servers as disabled', () => {
    const view = new HealthView();
    const seen: RealServerHealth[] = [];
    const cfg = config([
      { name: 'a', address: '127.0.0.1', port: 8081 },
      { name: 'b', address: '127.0.0.1', port: 8082, enabled: false },
    ]);
    const rows = (status: string, check: string): StatRow[] =>
      stat(
        `web,a,0,0,0,0,0,,0,0,${status},1,${check},,1,0,0,127.0.0.1:8081,,,0,0`,
        'web,b,0,0,0,0,0,,0,0,MAINT,1,,,,0,0,127.0.0.1:8082,,,0,0',
      );
    view.update(cfg, rows('UP', 'INI'), new Date(), (h) => seen.push(h));
    view.update(cfg, rows('UP', 'L4OK'), new Date(), (h) => seen.push(h));
    view.update(cfg, rows('UP', 'L4OK'), new Date(), (h) => seen.push(h));
    view.update(cfg, rows('DOWN', 'L4CON'), new Date(), (h) => seen.push(h));
    expect(seen.map((h) => `${h.key}:${h.state}`)).toEqual([
      'web/a:unknown',
      'web/b:disabled',
      'web/a:up',
      'web/a:down',
    ]);
    view.reset('HAProxy exited (signal SIGKILL)', new Date(), (h) => seen.push(h));
    expect(seen.at(-1)).toMatchObject({
      key: 'web/a',
      state: 'unknown',
      reason: 'HAProxy exited (signal SIGKILL)',
    });
  });
});

describe('health carried across a reload', () => {
  const table = parseServersState(`1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
3 web 1 a 127.0.0.1 0 1 1 1 4 15 3 4 6 0 0 0 - 8081 - 0 0 - - 0
3 web 2 b 127.0.0.1 2 0 1 1 4 15 3 4 6 0 0 0 - 8082 - 0 0 - - 0
3 web 3 c 127.0.0.1 2 0 1 1 4 15 3 4 6 0 0 0 - 8083 - 0 0 - - 0
`)!;
  it('for servers that stay the same, with the admin state and weight of the new config', () => {
    const before = config([
      { name: 'a', address: '127.0.0.1', port: 8081 },
      { name: 'b', address: '127.0.0.1', port: 8082 },
      { name: 'c', address: '127.0.0.1', port: 8083 },
    ]);
    const after = config([
      { name: 'a', address: '127.0.0.1', port: 8081, weight: 5 },
      { name: 'b', address: '127.0.0.1', port: 9999 },
      { name: 'c', address: '127.0.0.1', port: 8083, enabled: false },
    ]);
    const rows = carryServerState(table, before, after).rows;
    expect(rows.map((r) => r[3])).toEqual(['a']);
    expect(rows[0]!.slice(5, 9)).toEqual(['0', '0', '1', '1']);
  });

  it('not when the pool check changed', () => {
    const servers = [{ name: 'a', address: '127.0.0.1', port: 8081 }];
    expect(carryServerState(table, config(servers), config(servers, { type: 'http' })).rows).toEqual([]);
  });
});

describe('what a change needs', () => {
  const cfg = (b: Record<string, unknown>) =>
    AgentConfig.parse({
      pools: [
        {
          name: 'web',
          scheduler: 'weighted-round-robin',
          servers: [
            { name: 'a', address: '127.0.0.1', port: 1 },
            { name: 'b', address: '127.0.0.1', port: 2, ...b },
          ],
        },
      ],
      virtualServices: [
        { name: 's', protocol: 'http', listen: { address: '127.0.0.1', port: 8080 }, pool: 'web' },
        { name: 't', protocol: 'tcp', listen: { address: '127.0.0.1', port: 8081 }, pool: 'web' },
      ],
    } as AgentConfigInput);
  const material = { certs: new Map([['www', { pem: 'A', names: ['www.example.com'] }]]), cas: new Map() };
  const running = { config: cfg({}), material, loadedCertPaths: new Map([['www', '/d/cert-www-1.pem']]) };

  it.each([
    [{}, { kind: 'none' }],
    [
      { enabled: false },
      { kind: 'runtime', commands: ['set server web/b state maint', 'set server web.tcp/b state maint'] },
    ],
    [{ weight: 4 }, { kind: 'runtime', commands: ['set weight web/b 4', 'set weight web.tcp/b 4'] }],
    [{ port: 3 }, { kind: 'reload' }],
  ])('server b %j → %j', (b, change) => {
    expect(classify(running, cfg(b), material)).toEqual(change);
  });

  it('a renewed certificate with the same names is swapped in; new names need a reload', () => {
    const renewed = { certs: new Map([['www', { pem: 'B', names: ['www.example.com'] }]]), cas: new Map() };
    expect(classify(running, cfg({}), renewed)).toEqual({
      kind: 'certificates',
      swaps: [{ name: 'www', path: '/d/cert-www-1.pem', pem: 'B' }],
    });
    const renamed = { certs: new Map([['www', { pem: 'B', names: ['other.example.com'] }]]), cas: new Map() };
    expect(classify(running, cfg({}), renamed)).toEqual({ kind: 'reload' });
    expect(classify(running, cfg({ enabled: false }), renewed)).toEqual({ kind: 'reload' });
  });
});
