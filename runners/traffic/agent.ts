/**
 * scalelab's own agent, the program behind the image `scalelab.local/agent` on real nodes. Subcommands:
 *
 *   vip-probe --url http://<VIP>/hostname --interval-ms 5 [--timeout-ms 500]
 *     A new connection every interval (never reused), one line per reply on stdout: `<epoch ms> <hostname>`,
 *     or `<epoch ms> - <error>`; runs until killed. The network-programming measurement reads these lines.
 *
 *   run --profile <module.ts> [--env K=V ...] [--vus N] [--duration 10s]
 *     Runs a k6-style load profile (runners/traffic/load-profile.ts) and prints its report as one JSON line:
 *     k6-named metrics from HDR histograms, and each threshold's verdict. Exit 0 even when a threshold fails:
 *     verdicts are data for the harness.
 */
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { runProfile, type ProfileModule } from './load-profile.ts';

const [command, ...rest] = process.argv.slice(2);

if (command === 'vip-probe') {
  const { values } = parseArgs({
    args: rest,
    options: {
      url: { type: 'string' },
      'interval-ms': { type: 'string', default: '5' },
      'timeout-ms': { type: 'string', default: '500' },
    },
  });
  if (!values.url) throw new Error('vip-probe: --url is required');
  await vipProbe(new URL(values.url), Number(values['interval-ms']), Number(values['timeout-ms']));
} else if (command === 'run') {
  const { values } = parseArgs({
    args: rest,
    options: {
      profile: { type: 'string' },
      env: { type: 'string', multiple: true },
      vus: { type: 'string' },
      duration: { type: 'string' },
    },
  });
  if (!values.profile) throw new Error('run: --profile is required');
  const env = Object.fromEntries(
    (values.env ?? []).map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]),
  );
  const loaded = (await import(resolve(values.profile))) as ProfileModule;
  // As with k6, --vus and --duration on the command line override the profile's options.
  const options = {
    ...loaded.options,
    ...(values.vus ? { vus: Number(values.vus), stages: undefined } : {}),
    ...(values.duration ? { duration: values.duration, iterations: undefined } : {}),
  };
  process.stdout.write(JSON.stringify(await runProfile({ options, default: loaded.default }, env)) + '\n');
} else {
  process.stderr.write(`scalelab agent: unknown command "${command ?? ''}"; known: vip-probe, run\n`);
  process.exit(2);
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
