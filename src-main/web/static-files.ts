/**
 * The renderer's built files, from one directory and nothing outside it (`..`, encoded
 * separators and symlinks pointing out are all refused). Paths without an extension get
 * index.html, so client-side routes survive a reload.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Shown when the renderer is not built: no script, so the CSP has nothing to object to. */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portico Console</title></head>
<body><h1>Portico Console — browser mode</h1>
<p>The API is running, but the renderer has not been built, so there is no user interface to show.</p>
</body></html>
`;

/** The directory's real path, or undefined when it does not exist (then the placeholder is served). */
export async function staticRoot(dir: string): Promise<string | undefined> {
  try {
    const root = await realpath(dir);
    return (await stat(root)).isDirectory() ? root : undefined;
  } catch {
    return undefined;
  }
}

export async function serveStatic(
  pathname: string,
  root: string | undefined,
  res: ServerResponse,
  headers: Record<string, string>,
  head: boolean,
): Promise<void> {
  if (root === undefined)
    return send(res, 200, TYPES['.html']!, Buffer.from(PLACEHOLDER_PAGE), headers, head);
  const file = await locate(root, pathname);
  if (file === undefined) return send(res, 404, TYPES['.txt']!, Buffer.from('not found\n'), headers, head);
  const body = await readFile(file);
  send(res, 200, TYPES[extname(file)] ?? 'application/octet-stream', body, headers, head);
}

async function locate(root: string, pathname: string): Promise<string | undefined> {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  if (path.endsWith('/')) path += 'index.html';
  const wanted = await inside(root, resolve(root, `.${path}`));
  if (wanted) return wanted;
  // A client-side route (no extension): the app's index decides what to show.
  return extname(path) === '' ? inside(root, resolve(root, 'index.html')) : undefined;
}

/** The file's real path if it is a regular file within root. */
async function inside(root: string, candidate: string): Promise<string | undefined> {
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(root + sep)) return undefined;
    return (await stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: Buffer,
  headers: Record<string, string>,
  head: boolean,
): void {
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': body.length });
  res.end(head ? undefined : body);
}
