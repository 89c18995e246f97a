/**
 * Builds haproxy.cfg line by line, remembering which config object each line came from, so
 * that what `haproxy -c` or a failed reload says about `haproxy.cfg:57` is reported at
 * `virtualServices[2]` — where the admin can do something about it.
 */

/** A file the config names, written beside it before HAProxy reads the config. */
export interface SideFile {
  /** Absolute path; the name carries a hash of the content, so a changed file is a new file. */
  path: string;
  content: string;
  /** Private keys: 0600 (everything the agent writes there is 0600, this only says why). */
  secret: boolean;
}

export class CfgWriter {
  private readonly lines: string[] = [];
  private readonly from: string[] = [];
  private origin = '';

  /** A section header (`global`, `frontend web`, …); its lines belong to `origin`. */
  section(header: string, origin: string): void {
    this.origin = origin;
    if (this.lines.length > 0) this.push('');
    this.push(header);
  }

  /** One indented line of the current section. */
  line(text: string): void {
    this.push(`    ${text}`);
  }

  /** A comment line that says why a block is there (for an admin reading the file). */
  comment(text: string): void {
    this.push(`    # ${text}`);
  }

  /** A line at the top level (the file's header). */
  raw(text: string): void {
    this.push(text);
  }

  private push(text: string): void {
    this.lines.push(text);
    this.from.push(this.origin);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }

  /** The config path behind each line: `origins[n - 1]` for line n. */
  origins(): string[] {
    return [...this.from];
  }
}
