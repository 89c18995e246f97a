/**
 * Known agents and settings. Tokens enter and leave only through the SecretBox: the settings
 * file holds `tokenBox`, never the token. Records are validated on every read because the file
 * is a user-editable JSON document; a bad record is reported and skipped, not fatal.
 */
import { statSync } from 'node:fs';
import { z } from 'zod';
import { AlertThresholds, HistoryRetentionHours, Theme } from '../../shared/ipc/settings.ts';
import { isFingerprint } from '../../shared/protocol/fingerprint.ts';
import { SecretBoxError, type SecretBox } from './secret-box.ts';
import type { SettingsBackend } from './settings-backend.ts';

const StoredAgent = z.object({
  id: z.string().min(1),
  name: z.string(),
  site: z.string(),
  address: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  fingerprint: z.string().refine(isFingerprint, 'a SHA-256 fingerprint, colon-separated upper-case hex'),
  /** The token, encrypted by the SecretBox. */
  tokenBox: z.string().min(1),
  /** When it was first paired (ISO). */
  pairedAt: z.string(),
  /** When the pinned fingerprint was last set: at pairing, or at a deliberate re-pair. */
  pinnedAt: z.string(),
});
type StoredAgent = z.infer<typeof StoredAgent>;

/** A paired agent as the rest of the Console sees it: everything but the token. */
export type KnownAgent = Omit<StoredAgent, 'tokenBox'>;

export interface NewAgent {
  id: string;
  name: string;
  site: string;
  address: string;
  port: number;
  fingerprint: string;
  token: string;
}

export const Settings = z.object({
  /** Interfaces (addresses or names) to browse for agents on; undefined = all. */
  mdnsInterfaces: z.array(z.string().min(1)).optional(),
  /** When alerts are raised and whether they notify; undefined = the defaults. */
  alerts: AlertThresholds.optional(),
  /** Light, dark or the system's choice; undefined = the system's. */
  theme: Theme.optional(),
  /** Hours of traffic history kept; undefined = 24. */
  historyRetentionHours: HistoryRetentionHours.optional(),
});
export type Settings = z.infer<typeof Settings>;

const AGENTS_KEY = 'agents';
const SETTINGS_KEY = 'settings';

export class ConsoleStore {
  private readonly backend: SettingsBackend;
  private readonly secrets: SecretBox;
  private readonly onProblem: (message: string) => void;
  private cached: { stamp: string; agents: Record<string, StoredAgent> } | undefined;

  constructor(backend: SettingsBackend, secrets: SecretBox, onProblem: (message: string) => void = () => {}) {
    this.backend = backend;
    this.secrets = secrets;
    this.onProblem = onProblem;
  }

  get path(): string {
    return this.backend.path;
  }

  listAgents(): KnownAgent[] {
    return Object.values(this.readAgents()).map(withoutToken);
  }

  getAgent(id: string): KnownAgent | undefined {
    const agent = this.readAgents()[id];
    return agent && withoutToken(agent);
  }

  /** Adds or replaces an agent; the token is encrypted here. */
  saveAgent(agent: NewAgent): KnownAgent {
    const agents = this.readAgents();
    const previous = agents[agent.id];
    const now = new Date().toISOString();
    const { token, ...rest } = agent;
    const stored: StoredAgent = {
      ...rest,
      tokenBox: this.box(token),
      pairedAt: previous?.pairedAt ?? now,
      pinnedAt: previous?.fingerprint === agent.fingerprint ? previous.pinnedAt : now,
    };
    agents[agent.id] = stored;
    this.backend.set(AGENTS_KEY, agents);
    return withoutToken(stored);
  }

  /** Changes what is not secret (name, site, address, port, fingerprint). */
  updateAgent(id: string, patch: Partial<Omit<NewAgent, 'id' | 'token'>>): KnownAgent {
    const agents = this.readAgents();
    const previous = agents[id];
    if (!previous) throw new Error(`no paired agent ${id}`);
    const next: StoredAgent = { ...previous, ...patch };
    if (patch.fingerprint && patch.fingerprint !== previous.fingerprint)
      next.pinnedAt = new Date().toISOString();
    agents[id] = next;
    this.backend.set(AGENTS_KEY, agents);
    return withoutToken(next);
  }

  setToken(id: string, token: string): void {
    const agents = this.readAgents();
    const previous = agents[id];
    if (!previous) throw new Error(`no paired agent ${id}`);
    agents[id] = { ...previous, tokenBox: this.box(token) };
    this.backend.set(AGENTS_KEY, agents);
  }

  /** The agent's token in clear, for the moment it is sent. Throws SecretBoxError if it cannot be opened. */
  tokenOf(id: string): string {
    const agent = this.readAgents()[id];
    if (!agent) throw new Error(`no paired agent ${id}`);
    return this.secrets.decrypt(agent.tokenBox);
  }

  removeAgent(id: string): boolean {
    const agents = this.readAgents();
    if (!(id in agents)) return false;
    delete agents[id];
    this.backend.set(AGENTS_KEY, agents);
    return true;
  }

  settings(): Settings {
    const parsed = Settings.safeParse(this.backend.get(SETTINGS_KEY) ?? {});
    if (parsed.success) return parsed.data;
    this.onProblem(`settings in ${this.path} are not valid and were ignored: ${parsed.error.message}`);
    return {};
  }

  updateSettings(patch: Partial<Settings>): Settings {
    const next = Settings.parse({ ...this.settings(), ...patch });
    this.backend.set(SETTINGS_KEY, next);
    return next;
  }

  private box(token: string): string {
    if (!this.secrets.available) {
      throw new SecretBoxError('no protected storage is available for tokens, so none is stored');
    }
    return this.secrets.encrypt(token);
  }

  /**
   * The records, parsed again only when the file changed: every agent's connection state and
   * every event asks for names, and parsing 200 records from disk each time cost more than all
   * the rest of a fleet's connect. The file's identity (inode, size, mtime) decides, so an edit
   * by another process (`portico pair` while the app runs) is still seen. A copy of the map is
   * returned (callers add and delete entries); the records in it are replaced, never changed.
   */
  private readAgents(): Record<string, StoredAgent> {
    const stamp = fileStamp(this.path);
    if (stamp !== undefined && this.cached?.stamp === stamp) return { ...this.cached.agents };
    const agents = this.parseAgents();
    this.cached = stamp === undefined ? undefined : { stamp, agents: { ...agents } };
    return agents;
  }

  private parseAgents(): Record<string, StoredAgent> {
    const raw = this.backend.get(AGENTS_KEY);
    if (raw === undefined) return {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      this.onProblem(`"${AGENTS_KEY}" in ${this.path} is not an object; no agents loaded`);
      return {};
    }
    const out: Record<string, StoredAgent> = {};
    for (const [id, value] of Object.entries(raw)) {
      const parsed = StoredAgent.safeParse(value);
      if (parsed.success && parsed.data.id === id) out[id] = parsed.data;
      else this.onProblem(`agent "${id}" in ${this.path} is not valid and was skipped`);
    }
    return out;
  }
}

/** inode, size and mtime of the file, or undefined when it cannot be read (nothing cached then). */
function fileStamp(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}`;
  } catch {
    return undefined;
  }
}

function withoutToken(agent: StoredAgent): KnownAgent {
  const { tokenBox: _tokenBox, ...rest } = agent;
  return rest;
}
