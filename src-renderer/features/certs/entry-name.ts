/**
 * The store entry name proposed for a pushed certificate, derived from the leaf's CN. It is
 * stable across renewals on purpose: pushing the renewed certificate under the same name
 * replaces the entry and reloads the virtual services using it, which is what a renewal is.
 */
import { ObjectName } from '../../../shared/model/config.ts';

const MAX = 63;

/** `www.example.com` → `www-example-com`; `*.example.com` → `wildcard-example-com`. */
export function entryNameFromCn(cn: string | undefined): string {
  const name = (cn ?? '')
    .trim()
    .replace(/^\*\./, 'wildcard-')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, MAX)
    .replace(/[-_]+$/, '');
  return name || 'certificate';
}

/**
 * The problem with a name the admin typed, or undefined. The agent's own rule (ObjectName:
 * one word of letters, digits, "-" and "_") is stricter than the channel's ObjectRef, so the
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
