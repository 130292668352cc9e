/**
 * An HTTP/1.1 reply read off a raw socket, for the agent's timed GET (http-timings.ts). node:http would do
 * this too, but its ClientRequest and IncomingMessage cost 0.1–0.2 ms a request on a cold event loop: as much
 * as what the agent measures. Enough HTTP for `Connection: close` replies: a status line, headers, then a
 * body sized by Content-Length, chunked, or running to the server's FIN.
 */
export interface Reply {
  readonly status: number;
  readonly body: string;
}

export class ReplyReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Adds bytes off the socket; the reply once it is complete (by Content-Length or the last chunk). */
  add(chunk: Buffer): Reply | undefined {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const head = this.head();
    if (!head) return undefined;
    const body = this.buf.subarray(head.bodyAt);
    if (head.length !== undefined)
      return body.length >= head.length
        ? { status: head.status, body: body.subarray(0, head.length).toString('utf8') }
        : undefined;
    if (head.chunked) {
      const decoded = dechunk(body);
      return decoded === undefined ? undefined : { status: head.status, body: decoded };
    }
    return undefined;
  }

  /** The server closed: the reply as it stands, or undefined if its head never arrived whole. */
  atEnd(): Reply | undefined {
    const head = this.head();
    if (!head) return undefined;
    const body = this.buf.subarray(head.bodyAt);
    return { status: head.status, body: (head.chunked ? dechunk(body) : undefined) ?? body.toString('utf8') };
  }

  private head(): { status: number; bodyAt: number; length?: number; chunked: boolean } | undefined {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...headers] = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
    if (!m) throw new Error(`not an HTTP reply: "${statusLine.slice(0, 40)}"`);
    const field = (name: string) =>
      headers
        .find((h) => h.slice(0, h.indexOf(':')).trim().toLowerCase() === name)
        ?.slice(name.length + 1)
        .trim();
    const length = field('content-length');
    return {
      status: Number(m[1]),
      bodyAt: end + 4,
      length: length === undefined ? undefined : Number(length),
      chunked: /chunked/i.test(field('transfer-encoding') ?? ''),
    };
  }
}

/** A chunked body's data, once its last (zero-size) chunk has arrived. */
function dechunk(b: Buffer): string | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(b.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts).toString('utf8');
    if (b.length < eol + 2 + size + 2) return undefined;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}
