/**
 * `agent dnsperf --names a,b,c --qps 500 --seconds 20 [--clients 16] [--server <ip>] [--timeout 5]`
 *
 * Raw query load with dnsperf (Debian's /usr/bin/dnsperf) against the pod's nameserver (the kube-dns ClusterIP).
 * Its query file holds what an application's lookups of `names` turn into on the wire: each search-path
 * candidate up to the one that answers (so the NXDOMAINs of ndots:5 are part of the load), A and AAAA for each.
 * `--clients` sockets, so kube-proxy spreads the load over the CoreDNS pods as it would many clients. Prints
 * dnsperf's statistics as one JSON line: {"dnsperf": {...}} (runners/traffic/dnsperf.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDnsperf } from '../dnsperf.ts';
import { parseResolvConf, searchCandidates } from '../resolv-conf.ts';

export async function dnsperfCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      names: { type: 'string' },
      qps: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '20' },
      clients: { type: 'string', default: '16' },
      server: { type: 'string' },
      timeout: { type: 'string', default: '5' },
    },
  });
  const names = (values.names ?? '').split(',').filter(Boolean);
  if (!names.length) throw new Error('dnsperf: --names is required');
  const conf = parseResolvConf(
    existsSync('/etc/resolv.conf') ? readFileSync('/etc/resolv.conf', 'utf8') : '',
  );
  const server = values.server ?? conf.nameservers[0];
  if (!server) throw new Error('dnsperf: no --server and no nameserver in /etc/resolv.conf');
  const queries = names.flatMap((n) => searchCandidates(n, conf).flatMap((q) => [`${q} A`, `${q} AAAA`]));

  const dir = mkdtempSync(join(tmpdir(), 'scalelab-dnsperf-'));
  try {
    const file = join(dir, 'queries.txt');
    writeFileSync(file, queries.join('\n') + '\n');
    const qps = Number(values.qps);
    // At most a second's worth of queries outstanding: enough to keep the rate through a slow second.
    const outstanding = Math.min(10_000, Math.max(100, Math.ceil(qps)));
    const argv = ['-s', server, '-d', file, '-Q', String(qps), '-l', values.seconds!, '-c', values.clients!];
    argv.push('-t', values.timeout!, '-q', String(outstanding));
    const text = await run('/usr/bin/dnsperf', argv);
    process.stdout.write(JSON.stringify({ dnsperf: parseDnsperf(text) }) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs dnsperf, returning its stdout; its per-query timeout lines stay out of the pod's log. */
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`dnsperf exited ${code}: ${out.slice(-500)}`)),
    );
  });
}
