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

/**
 * `"$when": { "param": "p", "equals": v }` on an object: the object is left out (as a field or
 * an array element) unless p's value is v (or one of a list of values); without `equals`,
 * unless p has a value at all.
 */
export const WHEN_KEY = '$when';

/**
 * `"$shared": true` on a virtual service: applied where a service already listens on its
 * address and port, it joins that service (content rules, certificates, deny paths added)
 * instead of being refused as a second one there (apply.ts, shared.ts).
 */
export const SHARED_KEY = '$shared';
