/**
 * Discovery's contract: the DNS-SD service type a Portico agent advertises and what it puts in
 * its TXT record, with the one parser for it. The agent (agent/discovery/advertise.ts) uses it
 * to check what it is about to advertise; the Console (src-main/fleet/mdns-browser.ts) for
 * everything it hears on the network, which is untrusted input. A record that does not parse is
 * not a Portico agent. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { Fingerprint } from './fingerprint.ts';

/** DNS-SD service type: `_portico._tcp`. */
export const SERVICE_TYPE = 'portico';

/** RFC 6763 §6.1: each `key=value` string is at most 255 bytes. */
const MAX_ENTRY_BYTES = 255;

export const AgentTxt = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  /**
   * May be empty. bonjour-service cannot decode a `key=` entry with an empty value, so an empty
   * site is left out of the record and read back as ''.
   */
  site: z.string().default(''),
  /** The agent's software version. */
  version: z.string().min(1),
  /** SHA-256 of the agent's identity certificate, in the one form (fingerprint.ts). */
  fingerprint: Fingerprint,
});
export type AgentTxt = z.output<typeof AgentTxt>;
export type AgentTxtInput = z.input<typeof AgentTxt>;

/** The TXT entries to publish. Throws if a value does not fit or would not parse back. */
export function encodeAgentTxt(txt: AgentTxtInput): Record<string, string> {
  const parsed = AgentTxt.safeParse(txt);
  if (!parsed.success) throw new Error(`cannot advertise this agent: ${describe(parsed.error)}`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value === '') continue;
    const bytes = new TextEncoder().encode(`${key}=${value}`).length;
    if (bytes > MAX_ENTRY_BYTES) {
      throw new Error(
        `cannot advertise this agent: ${key} is too long for a TXT record (${bytes} > ${MAX_ENTRY_BYTES} bytes)`,
      );
    }
    out[key] = value;
  }
  return out;
}

/** A decoded TXT record (key → string) as a Portico agent's, or undefined if it is not one. */
export function parseAgentTxt(txt: unknown): AgentTxt | undefined {
  const parsed = AgentTxt.safeParse(txt);
  return parsed.success ? parsed.data : undefined;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'txt'}: ${i.message}`).join('; ');
}
