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
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${what}: timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
