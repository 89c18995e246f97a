/** File arguments: read relative to the CLI's cwd, with a message that names the file. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export async function readInputFile(cwd: string, file: string): Promise<Buffer> {
  try {
    return await readFile(resolve(cwd, file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new Error(`cannot read ${file}: ${why}`, { cause: error });
  }
}

/** Passwords are the first line of a file: editors and `echo` add a newline nobody meant as part of it. */
export function firstLine(data: Buffer): string {
  return data.toString('utf8').split(/\r?\n/)[0] ?? '';
}
