/** The agent's version, from package.json: one source for agent.info and the mDNS TXT record. */
import pkg from '../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
