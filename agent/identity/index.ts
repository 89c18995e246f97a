/** The agent's identity (key, certificate, id, agent.json) and its admin token. */
export { loadOrCreateIdentity, readAgentFile, AgentFile } from './identity.ts';
export type { AgentEngine, AgentIdentity, IdentityOptions } from './identity.ts';
export { constantTimeEqual, readToken, rotateToken, tokenIdOf } from './token.ts';
export type { TokenInfo } from './token.ts';
export { fingerprintOf } from './certificate.ts';
export { IdentityError, type IdentityErrorCode } from './errors.ts';
export { runTokenCommand, TOKEN_USAGE } from './token-command.ts';
export { AGENT_FILE, CERT_FILE, KEY_FILE, TOKEN_FILE } from './files.ts';
