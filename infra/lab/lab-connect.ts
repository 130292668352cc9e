import { connect, type Socket } from 'node:net';
import { request } from 'node:http';

/** A stream to host:port as seen from inside the lab, through the lab gateway's unix socket. */
export function labConnect(socketPath: string, target: string): Socket {
  const s = connect(socketPath);
  s.write(`${target}\n`);
  return s;
}

/** Plain-HTTP GET of a URL inside the lab (metrics, health), through the gateway; rejects on non-2xx. */
export function labHttpGet(socketPath: string, url: string, timeoutMs = 10_000): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port || 80,
        path: u.pathname + u.search,
        createConnection: () => labConnect(socketPath, `${u.hostname}:${u.port || 80}`),
        timeout: timeoutMs,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () =>
          res.statusCode && res.statusCode < 300
            ? resolve(body)
            : reject(new Error(`GET ${url}: HTTP ${res.statusCode}: ${body.slice(0, 200)}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
