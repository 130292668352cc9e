import { connect, constants, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Transport, WriteMethod } from './write-transport.ts';

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_STATUS } = constants;

/** How to reach the server: its URL, TLS options and the headers that authenticate us. */
interface Endpoint {
  readonly server: string;
  readonly tls: Pick<
    RequestOptions,
    'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'rejectUnauthorized' | 'servername'
  >;
  readonly headers: OutgoingHttpHeaders;
}

/** The kubeconfig's credentials as client-node resolves them (files read, exec plugins and tokens run). */
async function endpoint(kc: KubeConfig): Promise<Endpoint> {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  if (opts.auth) headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername } = opts;
  return {
    server: kc.getCurrentCluster()!.server,
    tls: { ca, cert, key, pfx, passphrase, rejectUnauthorized, servername: servername ?? undefined },
    headers,
  };
}

/**
 * Whether a failed connect means "this server does not speak HTTP/2" (HTTP/1.1 may still work), not "no server":
 * a TLS server whose ALPN list lacks "h2" answers with the no_application_protocol alert (seen from Node's own
 * https server); one without ALPN at all leaves Node's session to fail with an HTTP/2 protocol error.
 */
export function refusesHttp2(err: NodeJS.ErrnoException): boolean {
  return [
    'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
    'ERR_HTTP2_ERROR',
    'ERR_HTTP2_SESSION_ERROR',
  ].includes(err.code ?? '');
}

/** Opens an HTTP/2 session, or resolves undefined if the server does not speak HTTP/2 (ALPN chose nothing). */
function openSession({ server, tls }: Endpoint): Promise<ClientHttp2Session | undefined> {
  return new Promise((resolve, reject) => {
    const session = connect(server, tls);
    session.once('connect', () => {
      session.removeAllListeners('error');
      // An error after this (a reset connection, say) fails the writes in flight; the next write reconnects.
      session.on('error', () => {});
      resolve(session);
    });
    session.once('error', (err: NodeJS.ErrnoException) => {
      session.destroy();
      if (refusesHttp2(err)) resolve(undefined);
      else reject(err);
    });
  });
}

/** One HTTP/2 connection of the pool, and how many of its streams are ours right now. */
interface Connection {
  readonly session: ClientHttp2Session;
  readonly at: Endpoint;
  active: number;
}

/** Streams a connection may carry at once: what the server said in its SETTINGS (the apiserver: 100). */
function streamLimit(c: Connection): number {
  return c.session.remoteSettings.maxConcurrentStreams ?? 100;
}

/**
 * A churn's writes, multiplexed over HTTP/2 connections. As Go's HTTP/2 client does (client-go, kube-burner),
 * a write goes on an open connection with a free stream, and a new connection opens only when every one is
 * at the server's stream limit, up to `maxConnections`; beyond that the least loaded connection queues it.
 * One connection caps a burst at the apiserver's 100 streams: 2,000 pod creates at once ran at 300/s on one
 * and 690–980/s on ~20 (docs/benchmarks.md). A connection lost (GOAWAY, a reset, a 401) is replaced with fresh
 * credentials on the next write.
 */
class Http2Transport implements Transport {
  readonly name = 'HTTP/2' as const;
  readonly #kc: KubeConfig;
  readonly #maxConnections: number;
  #connections: Connection[];
  #opening: Promise<Connection> | undefined;

  constructor(kc: KubeConfig, maxConnections: number, first: Connection) {
    this.#kc = kc;
    this.#maxConnections = maxConnections;
    this.#connections = [first];
  }

  close(): void {
    for (const c of this.#connections) c.session.close();
    this.#connections = [];
    void this.#opening?.then(
      (c) => c.session.close(),
      () => {},
    );
    this.#opening = undefined;
  }

  /** A connection for one more stream, counted in its `active` at once (callers arrive in the same tick). */
  async #connection(): Promise<Connection> {
    const take = (c: Connection) => (c.active++, c);
    for (;;) {
      this.#connections = this.#connections.filter((c) => !c.session.closed && !c.session.destroyed);
      const free = this.#connections.find((c) => c.active < streamLimit(c));
      if (free) return take(free);
      const leastLoaded = this.#connections.reduce<Connection | undefined>(
        (best, c) => (best && best.active <= c.active ? best : c),
        undefined,
      );
      if (this.#opening) {
        await this.#opening.catch(() => {});
        continue;
      }
      if (leastLoaded && this.#connections.length >= this.#maxConnections) return take(leastLoaded);
      const opening = this.#open();
      this.#opening = opening;
      try {
        const opened = await opening;
        this.#connections.push(opened); // (read the array after the await: others replace it meanwhile)
      } catch (err) {
        // Another connection cannot be had: queue on one we have, or fail if there is none.
        if (leastLoaded) return take(leastLoaded);
        throw err;
      } finally {
        if (this.#opening === opening) this.#opening = undefined;
      }
    }
  }

  async #open(): Promise<Connection> {
    const at = await endpoint(this.#kc);
    const session = await openSession(at);
    if (!session) throw new Error(`${at.server}: the server no longer offers HTTP/2`);
    return { session, at, active: 0 };
  }

  async send(method: WriteMethod, path: string, body: string, contentType: string) {
    const c = await this.#connection();
    try {
      const stream = c.session.request(
        {
          ...c.at.headers,
          [HTTP2_HEADER_METHOD]: method,
          [HTTP2_HEADER_PATH]: path,
          'content-type': contentType,
          accept: 'application/json',
        },
        // Node ends a DELETE's stream at once unless told a body follows.
        { endStream: false },
      );
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        let status = 0;
        const chunks: Buffer[] = [];
        stream.on('response', (h) => (status = Number(h[HTTP2_HEADER_STATUS])));
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString() }));
        stream.on('error', reject);
        stream.end(body);
      });
      if (answer.status === 401) c.session.close(); // credentials may have expired: the next write fetches new ones
      return answer;
    } finally {
      c.active--;
    }
  }
}

/** HTTP/2 over up to `maxConnections` connections, or undefined if the server does not speak HTTP/2. */
export async function openHttp2Transport(
  kc: KubeConfig,
  maxConnections: number,
): Promise<Transport | undefined> {
  const at = await endpoint(kc);
  const session = await openSession(at);
  return session && new Http2Transport(kc, maxConnections, { session, at, active: 0 });
}
