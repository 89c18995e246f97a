/**
 * The nesting guard both sides run before JSON.parse (parse-frame-on-agent.ts,
 * parse-frame-on-console.ts): a deeply nested document costs JSON.parse and zod stack depth,
 * and the peer controls it. Runtime-neutral.
 */

/**
 * True when arrays/objects nest deeper than `max`. Brackets inside strings do not count; the
 * scan does not validate JSON (JSON.parse does that next), it only bounds what JSON.parse and
 * the schemas will recurse into.
 */
export function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
