/**
 * `agent vip-probe --url http://<VIP>/hostname --interval-ms 5 [--timeout-ms 500]`
 *
 * A new connection every interval (never reused), one line per reply on stdout: `<epoch ms> <hostname>`, or
 * `<epoch ms> - <error>`; runs until killed. The network-programming and endpoint-churn measurements read these.
 */
import { request } from 'node:http';
import { parseArgs } from 'node:util';

export async function vipProbeCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      'interval-ms': { type: 'string', default: '5' },
      'timeout-ms': { type: 'string', default: '500' },
    },
  });
  if (!values.url) throw new Error('vip-probe: --url is required');
  await vipProbe(new URL(values.url), Number(values['interval-ms']), Number(values['timeout-ms']));
}

async function vipProbe(url: URL, intervalMs: number, timeoutMs: number): Promise<never> {
  for (;;) {
    const started = Date.now();
    const line = await new Promise<string>((resolve) => {
      const req = request(
        { host: url.hostname, port: url.port || 80, path: url.pathname, agent: false, timeout: timeoutMs },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (d: string) => (body += d));
          res.on('end', () => resolve(`${Date.now()} ${body.trim() || '-'}`));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve(`${Date.now()} - ${e.message}`));
      req.end();
    });
    process.stdout.write(line + '\n');
    const wait = intervalMs - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}
