/**
 * How the management protocol travels, the same on both sides: where the agent listens, the
 * largest frame each side accepts, and how often each side pings. The agent's server
 * (agent/mgmt) and the Console's client (src-main/fleet) both read these; docs/protocol.md
 * quotes them. Runtime-neutral: no imports at all.
 */

/** The one endpoint: `wss://HOST:PORT/v1`. */
export const API_PATH = '/v1';

/** Port of the agent's management API when nobody names one (portico-agent's `--api` default). */
export const DEFAULT_AGENT_PORT = 7443;

/** `wss://HOST:PORT/v1`, with an IPv6 literal in brackets. */
export function apiUrl(host: string, port: number): string {
  return `wss://${host.includes(':') ? `[${host}]` : host}:${port}${API_PATH}`;
}

/**
 * Largest frame the agent accepts: the Console's requests (a larger one closes that session with
 * 1009). The big requests are `cert.import` with a PFX (at most MAX_PFX_BASE64, about 1 MB) and
 * `config.apply` with a whole configuration (about 1.5 KB per HTTPS service with its pool of
 * four servers, defaults filled in: 4 MiB holds some 2,800 of them). Kept this small because the
 * agent parses every frame on its event loop, which also carries traffic, and holds it whole in
 * memory per session.
 */
export const MAX_REQUEST_FRAME_BYTES = 4 * 1024 * 1024;

/**
 * Largest frame the Console accepts: the agent's answers and events. Answers grow with the
 * fleet behind one agent: `stats.snapshot` costs about 0.9 KB per pool member or service with
 * every counter in the billions, so 1,000 pools of 10 servers answer with about 9.6 MiB, more
 * than any request; `config.get` returns the whole configuration. 16 MiB leaves room for some
 * 18,000 members; the Console parses off nobody's traffic, so it can afford the larger frame.
 * Pairing uses the same limit: it is the same direction.
 */
export const MAX_ANSWER_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Deepest nesting of arrays and objects either side parses (measured before JSON.parse). A
 * configuration nests about 8 deep (virtualServices[].contentRules[].host[]); the bound keeps a
 * hostile document from costing JSON.parse and zod their stack.
 */
export const MAX_FRAME_DEPTH = 64;

/**
 * The agent pings each session this often; a session that has not answered the previous ping is
 * terminated, so a dead Console is noticed within two intervals.
 */
export const AGENT_HEARTBEAT_MS = 30_000;

/**
 * The Console pings each agent this often; an agent silent for two intervals is dropped and
 * reconnected. Shorter than the agent's: the admin is looking at the Console's view of it.
 */
export const CONSOLE_HEARTBEAT_MS = 15_000;
