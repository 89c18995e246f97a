/**
 * Types for the part of `_http_common` the upstream client uses: Node's binding to llhttp, the
 * parser node:http itself runs. @types/node does not declare the module.
 */
declare module '_http_common' {
  export class HTTPParser {
    static readonly REQUEST: 1;
    static readonly RESPONSE: 2;
    static readonly kOnMessageBegin: 0;
    static readonly kOnHeaders: 1;
    static readonly kOnHeadersComplete: 2;
    static readonly kOnBody: 3;
    static readonly kOnMessageComplete: 4;
    static readonly kLenientNone: 0;
    /** type, async resource, max header bytes (0: Node's --max-http-header-size), lenient flags */
    initialize(type: 1 | 2, resource: object, maxHeaderSize: number, lenient: number): void;
    /** Bytes parsed, or the parse error (`code` HPE_…, `bytesParsed`). */
    execute(data: Buffer): number | (Error & { code: string; reason?: string; bytesParsed: number });
    /** End of input: completes a body read until the close, or returns the error of a cut one. */
    finish(): (Error & { code: string }) | undefined;
    close(): void;
    free(): void;
    remove(): void;
    [key: number]: unknown;
  }
}
