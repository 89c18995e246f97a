/** `npm run docs`: writes the generated reference documents under docs/. */
import { writeFileSync } from 'node:fs';
import { GENERATED_DOCS } from './docs/generated.ts';

for (const [file, render] of Object.entries(GENERATED_DOCS)) {
  writeFileSync(new URL(`../${file}`, import.meta.url), render());
  process.stdout.write(`wrote ${file}\n`);
}
