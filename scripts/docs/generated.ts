/** Every generated document and the function that renders it; one list for the script and the test. */
import { configJsonSchema, configMarkdown } from './config-docs.ts';
import { haMarkdown } from './ha-docs.ts';
import { protocolMarkdown } from './protocol-docs.ts';

export const GENERATED_DOCS: Record<string, () => string> = {
  'docs/config.md': configMarkdown,
  'docs/config.schema.json': () => `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
  'docs/protocol.md': protocolMarkdown,
  'docs/ha.md': haMarkdown,
};
