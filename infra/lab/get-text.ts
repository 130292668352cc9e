import type { ClientRequest, IncomingMessage } from 'node:http';

/** Sends a GET made by `send` and resolves with the body; rejects on a non-2xx status or after timeoutMs. */
export function getText(
  send: (onResponse: (res: IncomingMessage) => void) => ClientRequest,
  what: string,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = send((res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () =>
        res.statusCode && res.statusCode < 300
          ? resolve(body)
          : reject(new Error(`GET ${what}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`)),
      );
      // A connection cut mid-body ends the response with 'close' and no 'end': without this the promise
      // would never settle (the request's timeout no longer applies once its socket is gone).
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error(`GET ${what}: the connection closed mid-response`));
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${what}: timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
