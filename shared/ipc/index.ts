/** The Console's IPC contract: channel map, DesktopApi, events, error codes. */
export * from './errors.ts';
export * from './channel.ts';
export * from './names.ts';
export * from './fleet.ts';
export * from './health.ts';
export * from './agent-config.ts';
export * from './certs.ts';
export * from './templates.ts';
export * from './events.ts';
export * from './channels.ts';
export type * from './api.ts';
