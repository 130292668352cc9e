/**
 * The lab's gateway: runs inside the lab namespace and listens on a unix socket (a file, so the host side can
 * reach it without any route into the lab). A client writes one line "host:port\n", then the stream is spliced
 * to that address as seen from inside the lab. The kubectl forwarder and the harness's scrapes go through it.
 *
 *   ip netns exec scalelab_<lab> node --import tsx infra/lab/gateway.ts --lab <lab> --socket <path>
 */
import { createServer, connect, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { socket: { type: 'string' }, lab: { type: 'string' } } });
const socketPath = values.socket;
if (!socketPath) throw new Error('gateway: --socket is required');

/** Targets must be inside the lab: its fabric, pod and service ranges, link-local DNS, or its own loopback. */
const allowed = [/^198\.1[89]\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./, /^169\.254\.20\.10$/, /^127\./];

function splice(client: Socket) {
  let head = '';
  const onData = (chunk: Buffer) => {
    head += chunk.toString('latin1');
    const nl = head.indexOf('\n');
    if (nl < 0) {
      if (head.length > 300) client.destroy();
      return;
    }
    client.off('data', onData);
    const target = head.slice(0, nl).trim();
    const rest = Buffer.from(head.slice(nl + 1), 'latin1');
    const m = /^([\d.]+):(\d+)$/.exec(target);
    if (!m || !allowed.some((r) => r.test(m[1]!))) {
      client.end(`gateway: refused target "${target}"\n`);
      return;
    }
    const upstream = connect({ host: m[1]!, port: Number(m[2]) });
    upstream.setNoDelay(true);
    if (rest.length) upstream.write(rest);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    // The client sees only its stream cut (EPIPE, socket hang up); the lab's gateway log says why.
    upstream.on('error', (err) => {
      process.stderr.write(`${new Date().toISOString()} ${target}: ${err.message}\n`);
      close();
    });
    client.on('error', close);
    upstream.on('close', close);
    client.on('close', close);
  };
  client.on('data', onData);
}

rmSync(socketPath, { force: true });
createServer(splice).listen(socketPath);
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => process.exit(0));
