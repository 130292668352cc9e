import { createServer, type Server } from 'node:http';
import type { SetupErrorType } from './rules.ts';

const name = 'coredns_nodecache_setup_errors_total';
const types: readonly SetupErrorType[] = [
  'iptables',
  'iptables_lock',
  'interface_add',
  'interface_check',
  'configmap',
];

/** node-cache's own counter, every errortype present from the start at 0 as upstream registers them. */
export class SetupErrors {
  private readonly counts = new Map<SetupErrorType, number>(types.map((t) => [t, 0]));

  inc(type: SetupErrorType): void {
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
  }

  /** Prometheus text exposition. */
  text(): string {
    return [
      `# HELP ${name} The number of errors during periodic network setup for node-cache`,
      `# TYPE ${name} counter`,
      ...[...this.counts].map(([t, n]) => `${name}{errortype="${t}"} ${n}`),
      '',
    ].join('\n');
  }
}

/** Serves /metrics on host:port; resolves once listening. */
export function serveMetrics(errors: SetupErrors, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(errors.text());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
