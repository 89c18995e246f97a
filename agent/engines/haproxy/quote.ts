/**
 * Words in haproxy.cfg. HAProxy's parser splits on spaces, expands `$VAR` inside double
 * quotes and interprets `\n`, `\"`, `\\`, `\xNN` there; single quotes keep everything as
 * written. Every value the agent did not write itself (messages naming a path, a host, a file
 * in the data dir) goes through one of these, so no config value can add a keyword.
 */

/** A double-quoted word: the text as given, newlines and all, with nothing expanded. */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\' || ch === '"' || ch === '$') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A PCRE pattern as one word: single-quoted (no expansion), with `'` written as `\x27`, which
 * the regex engine reads as the same character.
 */
export function regex(pattern: string): string {
  return `'${pattern.replaceAll("'", '\\x27')}'`;
}

/** A literal string as PCRE reads it: every metacharacter escaped. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** Milliseconds as HAProxy reads a time (`5000` would also do; the unit says what is meant). */
export function ms(value: number): string {
  return `${value}ms`;
}
