/**
 * The push panel's name fields: what is wrong with an entry name the admin typed, and the
 * services to bind. The proposed name itself is shared/ipc/cert-entry-name.ts's, the one
 * `portico cert push` uses too.
 */
import { ObjectName } from '../../../shared/model/config.ts';

/**
 * The problem with a name the admin typed, or undefined. The agent's own rule (ObjectName:
 * one word of letters, digits, "-" and "_") is stricter than the channel's Name (any 1–63 characters), so the
 * admin hears it here rather than from each agent after the push.
 */
export function nameProblem(name: string): string | undefined {
  const parsed = ObjectName.safeParse(name);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

/** "web, mail ,," → ["web", "mail"]: the virtual services to bind, in the admin's order. */
export function splitNames(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}
