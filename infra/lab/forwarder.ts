/**
 * The one thing scalelab runs in the host's namespace: a loopback TCP listener for the user's kubectl,
 * spliced through the lab gateway's unix socket to the apiserver inside the lab. It adds no address, route or
 * rule to the host; it only listens on 127.0.0.1.
 *
 *   node --import tsx infra/lab/forwarder.ts --lab <lab> --listen 127.0.0.1:<port> --socket <path> --target <host:port>
 */
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { labConnect } from './lab-connect.ts';

const { values } = parseArgs({
  options: {
    listen: { type: 'string' },
    socket: { type: 'string' },
    target: { type: 'string' },
    lab: { type: 'string' },
  },
});
const { listen, socket, target } = values;
if (!listen || !socket || !target) throw new Error('forwarder: --listen, --socket and --target are required');
const [host, port] = listen.split(':');
if (host !== '127.0.0.1') throw new Error('forwarder: listens on 127.0.0.1 only');

createServer((client) => {
  client.setNoDelay(true);
  const upstream = labConnect(socket, target);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const s of [client, upstream]) {
    s.on('error', close);
    s.on('close', close);
  }
}).listen(Number(port), host);
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => process.exit(0));
