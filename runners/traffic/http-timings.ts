import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/**
 * One HTTP request's phases, named as k6 names them (ms): blocked (waiting for a socket), looking_up (DNS),
 * connecting (TCP handshake), sending, waiting (time to first byte), receiving, duration (sending + waiting +
 * receiving). `failed` is true for a network error or a status ≥ 400.
 */
export interface RequestTimings {
  readonly blocked: number;
  readonly looking_up: number;
  readonly connecting: number;
  readonly sending: number;
  readonly waiting: number;
  readonly receiving: number;
  readonly duration: number;
  readonly status: number;
  readonly failed: boolean;
  readonly error?: string;
  readonly body: string;
}

/** A GET on a new connection every time (k6's noConnectionReuse): what a fresh client through a VIP pays. */
export function timedGet(url: string, timeoutMs = 5000): Promise<RequestTimings> {
  const u = new URL(url);
  const t0 = performance.now();
  let tSocket = t0;
  let tLookup: number | undefined;
  let tConnect: number | undefined;
  let tSent: number | undefined;
  let tFirstByte: number | undefined;
  const ms = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined ? Math.max(0, b - a) : 0;
  return new Promise((resolve) => {
    const finish = (status: number, body: string, error?: string) => {
      const tEnd = performance.now();
      const connectFrom = tLookup ?? tSocket;
      const sending = ms(tConnect ?? tSocket, tSent);
      const waiting = ms(tSent, tFirstByte);
      const receiving = ms(tFirstByte, tFirstByte === undefined ? undefined : tEnd);
      resolve({
        blocked: ms(t0, tSocket),
        looking_up: ms(tSocket, tLookup),
        connecting: ms(connectFrom, tConnect),
        sending,
        waiting,
        receiving,
        duration: sending + waiting + receiving,
        status,
        failed: error !== undefined || status >= 400,
        error,
        body,
      });
    };
    const req = request(
      { host: u.hostname, port: u.port || 80, path: u.pathname + u.search, agent: false },
      (res: IncomingMessage) => {
        let body = '';
        res.setEncoding('utf8');
        res.once('data', () => (tFirstByte ??= performance.now()));
        res.on('data', (d: string) => (body += d));
        res.on('end', () => finish(res.statusCode ?? 0, body));
      },
    );
    req.on('socket', (s: Socket) => {
      tSocket = performance.now();
      s.once('lookup', () => (tLookup = performance.now()));
      s.once('connect', () => (tConnect = performance.now()));
    });
    req.on('finish', () => (tSent = performance.now()));
    req.on('response', () => (tFirstByte ??= performance.now()));
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (e) => finish(0, '', e.message));
    req.end();
  });
}
