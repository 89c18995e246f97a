/**
 * A strict HTTP/1.1 response parser: llhttp as compiled into the node binary, through the
 * module node:http's own client and server parse with. No lenient flag is set: a response that
 * frames its body twice (Content-Length and chunked), carries a bad header byte or a bad chunk
 * size is an error, never a guess.
 */
import common from '_http_common';

export const { HTTPParser } = common;
export type HTTPParser = InstanceType<typeof common.HTTPParser>;

/** What the parser tells its owner, in the order it finds things out. */
export interface ResponseEvents {
  /** A new message starts: a 1xx, the final response, or bytes nobody asked for. */
  onMessageBegin(): void;
  /** Part of a long head (more than 32 header lines): the rest comes in onHeadersComplete. */
  onHeaders(headers: string[]): void;
  /**
   * @returns 0 to read a body as the head frames it, 1 when the response has none (HEAD)
   */
  onHeadersComplete(
    headers: string[] | undefined,
    statusCode: number,
    statusMessage: string,
    upgrade: boolean,
    shouldKeepAlive: boolean,
  ): number;
  /** A copy of body bytes, de-chunked. */
  onBody(chunk: Buffer): void;
  onMessageComplete(): void;
}

/** The parser's callbacks run with the parser as `this`; it carries its owner. */
interface OwnedParser extends HTTPParser {
  owner: ResponseEvents;
}

function messageBegin(this: OwnedParser): void {
  this.owner.onMessageBegin();
}
function headers(this: OwnedParser, h: string[]): void {
  this.owner.onHeaders(h);
}
function headersComplete(
  this: OwnedParser,
  _major: number,
  _minor: number,
  h: string[] | undefined,
  _method: unknown,
  _url: unknown,
  statusCode: number,
  statusMessage: string,
  upgrade: boolean,
  shouldKeepAlive: boolean,
): number {
  return this.owner.onHeadersComplete(h, statusCode, statusMessage, upgrade, shouldKeepAlive);
}
function body(this: OwnedParser, chunk: Buffer): void {
  this.owner.onBody(chunk);
}
function messageComplete(this: OwnedParser): void {
  this.owner.onMessageComplete();
}

/** The async-hooks resource every upstream parser reports (one, shared: nothing tracks them). */
const RESOURCE = {};

/** A response parser for one upstream connection, kept for the connection's life. */
export function responseParser(owner: ResponseEvents): HTTPParser {
  const parser = new HTTPParser() as OwnedParser;
  parser.initialize(HTTPParser.RESPONSE, RESOURCE, 0, HTTPParser.kLenientNone);
  parser.owner = owner;
  parser[HTTPParser.kOnMessageBegin] = messageBegin;
  parser[HTTPParser.kOnHeaders] = headers;
  parser[HTTPParser.kOnHeadersComplete] = headersComplete;
  parser[HTTPParser.kOnBody] = body;
  parser[HTTPParser.kOnMessageComplete] = messageComplete;
  return parser;
}
