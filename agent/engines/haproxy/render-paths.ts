/**
 * The request passes of an http/https service in HAProxy's words, in the built-in engine's
 * order (agent/engine/http/passes.ts): Host checks, the one canonical target, deny paths,
 * content rules. The canonical target is docs/config.md "How paths are compared": the
 * absolute form reduced to a path, unreserved escapes decoded and the rest upper-cased
 * (`normalize-uri`), dot segments removed and slashes merged, and what has no single meaning
 * refused with the built-in engine's 400. Paths are compared lower-cased, on segment
 * boundaries, against prefixes canonicalised by the built-in engine's own function.
 */
import {
  sniHostMismatchOf,
  type ContentRule,
  type HttpsService,
  type L7Service,
  type RedirectService,
} from '../../../shared/model/config.ts';
import { normaliseHost } from '../../engine/http/host.ts';
import { canonicalPrefix } from '../../engine/http/target.ts';
import type { CfgWriter } from './cfg-writer.ts';
import { answer, body, denied, PASS } from './messages.ts';
import { NO_SERVER_TABLE, NOT_FOUND_BACKEND } from './names.ts';
import { quote, regex } from './quote.ts';

/** agent/engine/http/host.ts VALID_HOST: a reg-name or a bracketed IPv6 literal, and a port. */
const VALID_HOST = "^(?:[A-Za-z0-9\\-._~!$&'()*+,;=%]+|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?$";

/**
 * Most request targets are already canonical (a path of plain segments): one regex finds the
 * few that are not — an escape, a backslash, a doubled slash, a dot segment, an absolute form —
 * and only those go through the rules below (the built-in engine has the same fast path).
 */
const NEEDS_WORK = '[%\\\\]|//|/\\.|^[^/]';
const ODD = '{ var(txn.portico_target) -m found }';

/** Everything that decides what a request means, before any rule looks at its path. */
export function renderCanonicalTarget(w: CfgWriter): void {
  const refuse = (message: string, cond: string) =>
    w.line(`http-request return ${answer(400, message)} if ${cond}`);
  w.comment('one canonical request target (docs/config.md, "How paths are compared")');
  refuse(PASS.hostCount, '{ req.hdr_cnt(host) gt 1 }');
  refuse(PASS.hostInvalid, `{ req.hdr(host) -m found } !{ req.hdr(host) -m reg ${regex(VALID_HOST)} }`);
  w.line(`http-request set-var(txn.portico_target) bool(1) if { url -m reg ${regex(NEEDS_WORK)} }`);
  // HAProxy itself refuses an absolute form whose host is not the Host header; one carrying a
  // user name is refused here, the rest reduced to the path the real server is sent.
  refuse(PASS.userInfo, `${ODD} { url_reg ${regex('^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*@')} }`);
  w.line(`http-request set-uri %[pathq] if ${ODD} !{ url_beg / } !{ url * }`);
  refuse(PASS.backslash, `${ODD} { path -m sub '\\' }`);
  // normalize-uri decodes the query too; the query goes to the real server as the client sent it.
  w.line(`http-request set-var(txn.portico_query) query if ${ODD} { query -m sub % }`);
  w.line(`http-request normalize-uri percent-decode-unreserved strict if ${ODD}`);
  w.line(`http-request normalize-uri percent-to-uppercase strict if ${ODD}`);
  refuse(PASS.encodedSeparator, `${ODD} { path -m sub %2F %5C %00 }`);
  refuse(PASS.dotSemicolon, `${ODD} { path -m reg ${regex('(^|/)\\.\\.?;')} }`);
  w.line(`http-request normalize-uri path-merge-slashes if ${ODD}`);
  w.line(`http-request normalize-uri path-strip-dot if ${ODD}`);
  // Unconditional: HAProxy 2.6 reads a condition after path-strip-dotdot as its optional
  // argument and then strips nothing.
  w.line('http-request normalize-uri path-strip-dotdot');
  refuse(PASS.aboveRoot, `${ODD} { path -m beg /../ } || ${ODD} { path /.. }`);
  w.line('http-request set-query %[var(txn.portico_query)] if { var(txn.portico_query) -m found }');
}

/**
 * sniHostMismatch refuse: 421 when the request has a Host and its connection an SNI, and the two
 * differ once compared as names (normaliseHost: no port, lower case, no trailing dot).
 */
export function renderSniHostCheck(w: CfgWriter, vs: HttpsService): void {
  if (sniHostMismatchOf(vs) !== 'refuse') return;
  w.comment('a Host other than the SNI of its connection: 421 (sniHostMismatch refuse)');
  w.line("http-request set-var(txn.portico_sni) 'ssl_fc_sni,lower,regsub([.]$,)' if { ssl_fc_has_sni }");
  w.line(
    "http-request set-var(txn.portico_reqhost) 'req.hdr(host),lower,regsub(:[0-9]+$,),regsub([.]$,)' if { req.hdr(host) -m found }",
  );
  w.line(
    `http-request return ${answer(421, PASS.misdirected)} if { ssl_fc_has_sni } { req.hdr(host) -m found } !{ var(txn.portico_reqhost),strcmp(txn.portico_sni) eq 0 }`,
  );
}

/** An ACL for "the lower-cased canonical path is under this prefix" (segment boundaries). */
function prefixAcl(w: CfgWriter, name: string, written: string): boolean {
  const p = canonicalPrefix(written);
  if (p === '/') return false;
  w.line(`acl ${name} path,lower -m str ${quote(p)}`);
  w.line(`acl ${name} path,lower -m beg ${quote(`${p}/`)} ${quote(`${p};`)}`);
  return true;
}

/** denyPaths: 403 with the built-in engine's message, on the canonical path. */
export function renderDenyPaths(w: CfgWriter, vs: L7Service): void {
  vs.denyPaths.forEach((written, i) => {
    const acl = `portico_deny_${i}`;
    const cond = prefixAcl(w, acl, written) ? ` if ${acl}` : '';
    w.line(`http-request deny deny_${answer(403, denied(written, vs.protocol))}${cond}`);
  });
}

/**
 * Content rules in order, then the default pool (or 404). A rule's Host is the Host header
 * without its port, lower case, without a trailing dot (normaliseHost), or the SNI name when a
 * request has no Host.
 */
export function renderRoutes(w: CfgWriter, vs: L7Service): void {
  if (vs.contentRules.some((r) => r.host !== undefined)) {
    w.line("http-request set-var(txn.portico_host) 'req.hdr(host),lower,regsub(:[0-9]+$,),regsub([.]$,)'");
    if (vs.protocol === 'https') {
      w.line(
        "http-request set-var(txn.portico_host) 'ssl_fc_sni,lower,regsub([.]$,)' if !{ req.hdr(host) -m found }",
      );
    }
  }
  vs.contentRules.forEach((rule, i) => {
    const conds = [...hostAcl(w, `portico_rule_${i}_host`, rule)];
    if (rule.pathPrefix !== undefined && prefixAcl(w, `portico_rule_${i}_path`, rule.pathPrefix))
      conds.push(`portico_rule_${i}_path`);
    w.line(`use_backend ${rule.pool}${conds.length ? ` if ${conds.join(' ')}` : ''}`);
  });
  w.line(`default_backend ${vs.pool ?? NOT_FOUND_BACKEND}`);
}

function hostAcl(w: CfgWriter, name: string, rule: ContentRule): string[] {
  if (rule.host === undefined) return [];
  const exact: string[] = [];
  const suffixes: string[] = [];
  for (const h of rule.host) {
    const n = normaliseHost(h);
    if (n.startsWith('*.')) suffixes.push(n.slice(1));
    else exact.push(n);
  }
  if (exact.length) w.line(`acl ${name} var(txn.portico_host) -m str ${exact.map(quote).join(' ')}`);
  if (suffixes.length) w.line(`acl ${name} var(txn.portico_host) -m end ${suffixes.map(quote).join(' ')}`);
  return [name];
}

/** The backend an http/https service without a default pool sends unmatched requests to. */
export function renderNotFound(w: CfgWriter): void {
  w.section(`backend ${NOT_FOUND_BACKEND}`, '');
  w.comment('what no content rule matches on a service without a default pool');
  w.line('mode http');
  w.line(`http-request return ${answer(404, PASS.notFound)}`);
}

/** The table the http backends count their NO_SERVER answers in, by service. */
export function renderNoServerTable(w: CfgWriter): void {
  w.section(`backend ${NO_SERVER_TABLE}`, '');
  w.comment('NO_SERVER answers per service (gpc0 by frontend name), read into the status');
  w.line('stick-table type string len 64 size 10k store gpc0');
}

/**
 * Kemp's port 80 redirector: the same URL over HTTPS, with the built-in engine's status and
 * body (`moved to <location>`); a request without Host cannot be redirected.
 */
export function renderRedirect(w: CfgWriter, vs: RedirectService): void {
  w.line(`http-request return ${answer(400, PASS.noHostForRedirect)} unless { req.hdr(host) -m found }`);
  const port = vs.toPort === 443 ? '' : `:${vs.toPort}`;
  const location = `https://%[req.hdr(host),regsub(:[0-9]+$,)]${port}%[pathq]`;
  const text = body(vs.status, `moved to ${location}`).replace(/\n$/, '');
  // lf-string and hdr values are log-format: a literal `%` would need `%%` (none here).
  w.line(
    `http-request return status ${vs.status} content-type ${quote('text/plain; charset=utf-8')}` +
      ` hdr location ${quote(location)} lf-string ${quote(`${text}\n`)}`,
  );
}
