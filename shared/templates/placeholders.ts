/**
 * `{{name}}` placeholders in template documents: a string that is exactly `"{{p}}"` takes p's
 * typed value; `{{p}}` inside a longer string is replaced by the value as text.
 *
 * Runtime-neutral: no Node or DOM imports here.
 */

/** A parameter name: a letter, then up to 62 letters, digits, "-" or "_". */
export const NAME_PATTERN = '[A-Za-z][A-Za-z0-9_-]{0,62}';
const PLACEHOLDER = new RegExp(`\\{\\{(${NAME_PATTERN})\\}\\}`, 'g');
export const WHOLE_PLACEHOLDER = new RegExp(`^\\{\\{(${NAME_PATTERN})\\}\\}$`);

/** The parameter a string stands for when it is exactly `"{{name}}"`. */
export function wholePlaceholder(text: string): string | undefined {
  return WHOLE_PLACEHOLDER.exec(text)?.[1];
}

/** Every parameter named by a placeholder in `text`, in order (repeats kept). */
export function placeholdersIn(text: string): string[] {
  return Array.from(text.matchAll(PLACEHOLDER), (m) => m[1]!);
}

/** Replaces each `{{name}}` with `lookup(name)`. */
export function interpolate(text: string, lookup: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => lookup(name));
}

/** Braces left over once the valid placeholders are gone: `{{ x }}`, `{{x}`, `{{}}`. */
export function hasStrayBraces(text: string): boolean {
  const rest = text.replace(PLACEHOLDER, '');
  return rest.includes('{{') || rest.includes('}}');
}

/**
 * The key of the object form of a real-server list: `{ "$realServers": "{{p}}", "port": 4443 }`
 * fills a pool's servers with p's entries on that port.
 */
export const REAL_SERVERS_KEY = '$realServers';
