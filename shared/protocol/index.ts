/** The management protocol: envelopes, codes, the method and event maps, frame parsers. */
export * from './codes.ts';
export * from './common.ts';
export * from './envelopes.ts';
export * from './agent.ts';
export * from './config.ts';
export * from './cert.ts';
export * from './template.ts';
export * from './health.ts';
export * from './stats.ts';
export * from './events.ts';
export * from './methods.ts';
export * from './parse-frame.ts';
export * from './parse-agent-frame.ts';
