/**
 * node-cache, reproduced: what kubernetes/dns cmd/node-cache does around CoreDNS, for the lab's NodeLocal
 * DNSCache (its module k8s.io/dns is not served here). Run by the node agent for the image
 * registry.k8s.io/dns/k8s-dns-node-cache, in the node's network namespace (a hostNetwork pod):
 *
 *   node --import tsx infra/node-cache/main.ts -localip 169.254.20.10,198.19.0.10 -conf /etc/Corefile \
 *     -upstreamsvc kube-dns-upstream -pidfile /etc/node-cache.pid [-syncinterval 60] [-skipteardown]
 *
 * Renders the Corefile, creates the link, starts upstream CoreDNS (the pinned build) as its child, puts the
 * rules in once CoreDNS has written its pidfile, re-checks link and rules every -syncinterval, and on
 * SIGTERM/SIGINT stops CoreDNS, deletes the rules, then the link.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { binPath } from '../build/build.ts';
import { exec } from '../exec.ts';
import { parseFlags } from './flags.ts';
import { renderCorefile, serviceHostEnv } from './corefile.ts';
import { ensureLink, removeLink } from './link.ts';
import { SetupErrors, serveMetrics } from './metrics.ts';
import {
  deleteRules,
  detectBackend,
  ensureRules,
  nodeCacheRules,
  type IptablesBackend,
  type Runner,
} from './rules.ts';
import type { Server } from 'node:http';

const flags = parseFlags(process.argv.slice(2));
const log = (level: string, msg: string) =>
  process.stdout.write(`${new Date().toISOString()} [${level}] ${msg}\n`);
const run: Runner = (argv) =>
  exec(argv, { allowFailure: true }).catch((err) => ({ stdout: '', stderr: String(err), exitCode: 127 }));
const errors = new SetupErrors();
const count = (type: Parameters<SetupErrors['inc']>[0], msg: string) => {
  errors.inc(type);
  log('ERROR', `${type}: ${msg}`);
};

// Declared before any await: a SIGTERM during start-up still tears down what was set up.
const timers: NodeJS.Timeout[] = [];
let coredns: ChildProcess | undefined;
let stopping = false;
let metrics: Server | undefined;
let backend: IptablesBackend = 'nft';
let pass: Promise<void> = Promise.resolve();
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, async () => {
    log('INFO', `${sig}: stopping coredns`);
    stopping = true;
    const child = coredns;
    if (child) {
      const exited = new Promise((r) =>
        child.exitCode !== null || child.signalCode ? r(0) : child.once('exit', r),
      );
      child.stdin?.end();
      // At most 2 s: upstream deletes its rules while CoreDNS is still stopping, and the pod's grace (5 s on
      // the node agent) must leave time for the teardown on a loaded node.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    }
    await teardown();
    process.exit(0);
  });
}

metrics = await serveMetrics(errors, flags.metricsListen.host, flags.metricsListen.port).catch((err) => {
  log('ERROR', `metrics on ${flags.metricsListen.host}:${flags.metricsListen.port}: ${err}`);
  return undefined;
});

const envName = serviceHostEnv(flags.upstreamSvc);
const clusterDnsIp = process.env[envName] || undefined;
if (!clusterDnsIp)
  log('WARNING', `unable to look up the IP of upstream service ${flags.upstreamSvc}: ${envName} is unset`);

let lastTemplate: string | undefined;
/** Re-rendered whenever the mounted template changes; CoreDNS's reload plugin picks the new file up. */
function updateCorefile(): void {
  let template: string;
  try {
    template = readFileSync(flags.baseCorefile, 'utf8');
  } catch (err) {
    return count('configmap', `read ${flags.baseCorefile}: ${err}`);
  }
  if (template === lastTemplate) return;
  lastTemplate = template;
  const corefile = renderCorefile(template, { clusterDnsIp, localIps: flags.localIps });
  try {
    writeFileSync(flags.corefile, corefile);
    log('INFO', `wrote ${flags.corefile}:\n${corefile}`);
  } catch (err) {
    count('configmap', `write ${flags.corefile}: ${err}`);
  }
}
updateCorefile();

const rules = flags.setupIptables ? nodeCacheRules(flags.localIps, flags.dnsPort, flags.healthPort) : [];
backend = await detectBackend(run);
if (flags.setupIptables) log('INFO', `iptables backend: ${backend} (the one holding kube-proxy's rules)`);

/** One setup pass at a time: the periodic re-check and the teardown never interleave. */
function setupNetworking(withRules: boolean): Promise<void> {
  pass = pass.then(async () => {
    if (withRules) {
      const r = await ensureRules(run, backend, rules, () => stopping);
      for (const a of r.added) log('INFO', `added back rule -t ${a.table} ${a.chain} ${a.args.join(' ')}`);
      for (const e of r.errors)
        count(e.type, `-t ${e.rule.table} ${e.rule.chain} ${e.rule.args.join(' ')}: ${e.message}`);
    }
    if (flags.setupInterface) {
      const l = await ensureLink(run, flags.interfaceName, flags.localIps);
      if (l.created) log('INFO', `added interface ${flags.interfaceName} (${l.created})`);
      for (const ip of l.addedIps) log('INFO', `added ${ip}/32 to ${flags.interfaceName}`);
      for (const e of l.errors) count(e.type, e.message);
    }
  });
  return pass;
}
// The link first, the rules only once CoreDNS serves: rules in front of a cache that failed to start
// would black-hole every lookup on the node.
await setupNetworking(false);

if (flags.pidfile) rmSync(flags.pidfile, { force: true });
// CoreDNS must die with node-cache even on SIGKILL, as inside one container. PR_SET_PDEATHSIG does not fire on
// this machine's kernel, so a watcher holds a pipe from node-cache and stops CoreDNS when it closes: on
// node-cache's death, or when node-cache closes it to stop CoreDNS.
const watchdog = [
  'exec 3<&0',
  '"$@" </dev/null &',
  'c=$!',
  '{ read -r _ <&3; kill -TERM $c 2>/dev/null; } &',
  'wait $c',
].join('\n');
coredns = spawn(
  'sh',
  [
    '-c',
    watchdog,
    'node-cache-coredns',
    binPath('coredns'),
    '-conf',
    flags.corefile,
    '-dns.port',
    String(flags.dnsPort),
    ...(flags.pidfile ? ['-pidfile', flags.pidfile] : []),
  ],
  { stdio: ['pipe', 'inherit', 'inherit'] },
);
// Upstream's CoreDNS is node-cache's own process: when it dies the rules and the link stay behind until the
// restarted container finds them (the node's lookups fail meanwhile, the cache's own failure mode).
coredns.on('exit', (code, signal) => {
  if (stopping) return;
  log(
    'ERROR',
    `coredns exited (${signal ?? code}); leaving the rules and the link, as upstream's crash does`,
  );
  process.exit(code || 1);
});

if (flags.pidfile) {
  const deadline = Date.now() + 5000;
  while (!existsSync(flags.pidfile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (existsSync(flags.pidfile)) await setupNetworking(true);
  else log('WARNING', 'timed out waiting for the pidfile; the rules wait for the next sync');
}
let busy = false;
// As upstream's ticker: a tick that comes while a pass still runs is dropped, never queued (a queue would
// grow on a loaded node and hold the teardown behind it).
timers.push(
  setInterval(() => {
    if (busy) return;
    busy = true;
    void setupNetworking(true).finally(() => (busy = false));
  }, flags.syncIntervalMs),
);
timers.push(setInterval(updateCorefile, 10_000));

async function teardown(): Promise<void> {
  for (const t of timers) clearInterval(t);
  await pass;
  metrics?.close();
  if (flags.skipTeardown) return;
  log('INFO', 'tearing down: rules, then the link');
  if (flags.setupIptables)
    await deleteRules(run, backend).then(
      (n) => log('INFO', `deleted ${n} rules`),
      (err) => log('ERROR', String(err)),
    );
  if (flags.setupInterface) await removeLink(run, flags.interfaceName);
}
