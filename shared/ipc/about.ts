/**
 * The About view: what this Console is (its version and the runtime under it); the agents'
 * versions come with the fleet list (AgentView.version, engine). Runtime-neutral: zod only.
 */
import { channel, NoParams } from './channel.ts';

export interface AboutView {
  /** Portico Console version (package.json). */
  version: string;
  /** Node.js running the main process. */
  node: string;
  /** The desktop shell's Electron and Chromium, when the Console runs as the desktop app. */
  electron?: string;
  chrome?: string;
  /** `linux`, `win32`, `darwin` … */
  platform: string;
}

export const ABOUT_CHANNELS = {
  /** This Console's version and runtime. */
  about: channel<AboutView>()(NoParams),
};
