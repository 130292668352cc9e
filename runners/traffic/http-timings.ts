import { connect } from 'node:net';
import { ReplyReader } from './http-reply.ts';

/**
 * One HTTP request's phases, named as k6 names them (ms): blocked (before connecting began), looking_up (DNS),
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

/**
 * A GET on a new connection every time (k6's noConnectionReuse): what a fresh client through a VIP pays.
 *
 * The clock for `connecting` starts right before net.connect. Why: to an IP literal, Node issues the
 * connect(2) on the next tick, and through a veth the kernel carries the SYN through the node's netfilter
 * rules (the Service's DNAT: the very cost measured) and often the whole handshake inside that syscall, in
 * softirq. Timed from node:http's 'socket' event, as it was until 2026-12, that syscall fell before the
 * clock started (it counted as `blocked`) and `connecting` was mostly the event loop's wake-up. The request
 * is written and the reply read on the raw socket (http-reply.ts): node:http's objects cost as much as the
 * handshake, which is most of why the agent read 0.17–0.42 ms above vegeta on whole requests.
 */
export function timedGet(url: string, timeoutMs = 5000): Promise<RequestTimings> {
  const u = new URL(url);
  const t0 = performance.now();
  let tLookup: number | undefined;
  let tConnect: number | undefined;
  let tSent: number | undefined;
  let tFirstByte: number | undefined;
  const ms = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined ? Math.max(0, b - a) : 0;
  return new Promise((resolve) => {
    let done = false;
    const tSocket = performance.now();
    const socket = connect({ host: u.hostname, port: Number(u.port || 80), noDelay: true });
    const finish = (status: number, body: string, error?: string) => {
      if (done) return;
      done = true;
      const tEnd = performance.now();
      clearTimeout(timer);
      socket.destroy();
      const sending = ms(tConnect, tSent);
      const waiting = ms(tSent, tFirstByte);
      const receiving = ms(tFirstByte, tFirstByte === undefined ? undefined : tEnd);
      resolve({
        blocked: ms(t0, tSocket),
        looking_up: ms(tSocket, tLookup),
        connecting: ms(tLookup ?? tSocket, tConnect),
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
    const timer = setTimeout(() => finish(0, '', `timeout after ${timeoutMs} ms`), timeoutMs);
    socket.once('lookup', () => (tLookup = performance.now()));
    socket.once('error', (e) => finish(0, '', e.message));
    socket.once('connect', () => {
      tConnect = performance.now();
      const host = u.port ? `${u.hostname}:${u.port}` : u.hostname;
      socket.write(
        `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        () => {
          tSent = performance.now();
        },
      );
    });
    const reply = new ReplyReader();
    socket.on('data', (chunk: Buffer) => {
      tFirstByte ??= performance.now();
      try {
        const r = reply.add(chunk);
        if (r) finish(r.status, r.body);
      } catch (e) {
        finish(0, '', (e as Error).message);
      }
    });
    socket.once('end', () => {
      const r = reply.atEnd();
      if (r) finish(r.status, r.body);
      else finish(0, '', 'connection closed before a complete reply');
    });
  });
}
