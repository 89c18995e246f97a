/**
 * Which URLs the Console's pages may be, which they may open outside the app, and the Content
 * Security Policy they run under. Pure, without Electron: the window guards (security.ts) and
 * browser mode (src-main/web/server.ts) apply the same policy.
 */

/**
 * Scripts, styles, images, fonts and connections from the app itself only; no eval, no
 * plugins, no <base>, no form posts, never framed. `style-src 'self'` still lets React set
 * `style` attributes (they go through the CSSOM); a library that injects <style> text would
 * need a nonce, not 'unsafe-inline'.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Is `url` the app itself? http(s): same origin as the app (a dev server or browser mode).
 * file: the app's own index file, with any query or hash (hash routing), nothing beside it,
 * since every file on the disk shares the one `file://` origin.
 */
export function isAppUrl(url: string, appUrl: string): boolean {
  const target = parse(url);
  const app = parse(appUrl);
  if (!target || !app || target.protocol !== app.protocol) return false;
  if (app.protocol === 'http:' || app.protocol === 'https:') return target.origin === app.origin;
  if (app.protocol === 'file:') return target.host === app.host && target.pathname === app.pathname;
  return false;
}

/**
 * May a link leave the app for the system browser? Only https, only to an allow-listed origin
 * (e.g. `https://learn.microsoft.com`), never with credentials in the URL: anything else a
 * compromised page asks for is refused rather than handed to the OS (file:, smb:, custom
 * protocol handlers).
 */
export function isAllowedExternal(url: string, allowedOrigins: readonly string[]): boolean {
  const target = parse(url);
  if (!target || target.protocol !== 'https:' || target.username || target.password) return false;
  return allowedOrigins.includes(target.origin);
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
