import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { getText } from './get-text.ts';

/** A stream to host:port as seen from inside the lab, through the lab gateway's unix socket. */
export function labConnect(socketPath: string, target: string): Socket {
  const s = connect(socketPath);
  s.write(`${target}\n`);
  return s;
}

/** Plain-HTTP GET of a URL inside the lab (metrics, health), through the gateway; rejects on non-2xx. */
export function labHttpGet(socketPath: string, url: string, timeoutMs = 10_000): Promise<string> {
  const u = new URL(url);
  const port = u.port || '80';
  const options = {
    host: u.hostname,
    port,
    path: u.pathname + u.search,
    createConnection: () => labConnect(socketPath, `${u.hostname}:${port}`),
  };
  return getText((cb) => request(options, cb), url, timeoutMs);
}
