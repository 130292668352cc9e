import { Command, Option } from 'commander';
import { labUp } from '../../infra/lab/local.ts';
import { labDown } from '../../infra/lab/down.ts';
import { labNames, labStatus } from '../../infra/lab/status.ts';
import { readLabState } from '../../infra/lab/state.ts';
import { parseLabUpOptions } from '../../infra/lab/spec.ts';
import { consoleLog } from '../events.ts';
import { verbosityOf, verbosityOptions } from './verbosity.ts';
import { UserError } from '../errors.ts';
import { interruptSignal } from '../interrupt.ts';
import { execInThrowawayPod } from '../../infra/lab/pod-exec.ts';
import { labLogsCommand } from './lab-logs.ts';
import { podNetworks } from '../../infra/variants/pod-network.ts';
import { serviceProxies } from '../../infra/variants/service-proxy.ts';
import { iptablesBackends } from '../../infra/variants/names.ts';
import { dnsValues } from '../../infra/variants/dns.ts';

/** `direct | vxlan (flannel) | bgp (…)`: an axis's values as its module lists them. */
const helpOf = (values: Record<string, { help: string }>) =>
  Object.values(values)
    .map((v) => v.help)
    .join(' | ');

const nameOption = () =>
  new Option('--name <name>', 'lab name (lowercase letters, digits, "-")').default('lab');

export function labCommand(): Command {
  const lab = new Command('lab').description(
    'The local lab: a real control plane and kwok nodes in network namespaces',
  );
  lab
    .command('up')
    .description('Bring a lab up (or reuse the running one) and wait until every fake node is Ready')
    .addOption(nameOption())
    .option('--fake-nodes <n>', 'kwok-managed Node objects to create', '0')
    .option('--node-lease-seconds <s>', "fake nodes' Lease duration (renewed every quarter of it)", '240')
    .option(
      '--real-nodes <m>',
      'real dataplane nodes (namespaces with the node agent, kube-proxy, pods)',
      '0',
    )
    .option('--pod-network <mode>', helpOf(podNetworks), 'direct')
    // No commander defaults for these two: parseLabUpOptions must see whether they were given (not with
    // --node-values); it applies the defaults the help names.
    .option('--proxy-mode <mode>', `service proxy: ${helpOf(serviceProxies)} (default: "iptables")`)
    .option(
      '--iptables-backend <backend>',
      `iptables backend for kube-proxy: ${iptablesBackends.join(' | ')}`,
      'nft',
    )
    .option('--dns <mode>', `${helpOf(dnsValues)} (default: "coredns")`)
    .option(
      '--node-values <list>',
      "each real node's service proxy and DNS, node 1 first, instead of --proxy-mode and --dns: " +
        '<proxy>/<dns>,… (e.g. iptables/coredns,nftables/nodelocal), one per real node; proxy none: a node ' +
        "with no service proxy, for other nodes' targets (not node 1, not with nodelocal; CoreDNS runs there)",
    )
    .option(
      '--max-services <n>',
      "the most Services the lab will hold: sizes cilium's service map (default: cilium's 65,536 entries)",
    )
    .option(
      '--kubernetes-version <v>',
      'a pinned Kubernetes version (infra/versions.json); default the first',
    )
    .addOption(verbosityOptions()[0]!)
    .addOption(verbosityOptions()[1]!)
    .action(async (raw: Record<string, string>) => {
      const { quiet, verbose, ...rest } = raw;
      const spec = parseLabUpOptions(rest);
      const log = consoleLog({
        verbosity: verbosityOf({ quiet: Boolean(quiet), verbose: Boolean(verbose) }),
      });
      const state = await labUp(spec, log, interruptSignal());
      const total = Object.values(state.stepSeconds).reduce((a, b) => a + b, 0);
      log({
        kind: 'summary',
        message: `lab "${spec.name}" is up (${total.toFixed(1)} s of steps); kubeconfig: ${state.kubeconfig}`,
      });
      log({
        kind: 'info',
        message: `try: kubectl --kubeconfig "$(npx scalelab lab kubeconfig --name ${spec.name})" get nodes`,
      });
    });
  lab
    .command('down')
    .description('Remove everything the lab made, also after a crashed or killed run; idempotent')
    .addOption(nameOption())
    .action(async (opts: { name: string }) => {
      const removed = await labDown(opts.name, consoleLog());
      process.stderr.write(
        `lab "${opts.name}" is down (${removed.processes} processes stopped, ${removed.netns.length} namespaces removed)\n`,
      );
    });
  lab
    .command('status')
    .description('Report on one lab, or on every lab when --name is not given')
    .option('--name <name>', 'lab name')
    .option('--json', 'print JSON')
    .action(async (opts: { name?: string; json?: boolean }) => {
      const names = opts.name ? [opts.name] : labNames();
      const all = await Promise.all(names.map(labStatus));
      if (opts.json) {
        process.stdout.write(
          JSON.stringify(
            all.filter(Boolean).map((s) => ({ ...s, state: undefined })),
            null,
            2,
          ) + '\n',
        );
        return;
      }
      if (names.length === 0) process.stdout.write('no labs\n');
      for (const [i, s] of all.entries()) {
        if (!s) {
          process.stdout.write(`lab "${names[i]}": not found\n`);
          process.exitCode = 1;
          continue;
        }
        process.stdout.write(`lab "${s.name}": ${s.healthy ? 'healthy' : 'NOT healthy'}\n`);
        for (const p of s.processes) {
          const use = p.running ? `cpu ${p.cpuSeconds?.toFixed(1)} s, rss ${p.rssMiB} MiB` : 'NOT running';
          process.stdout.write(`  ${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${use}\n`);
        }
        if (s.fakeNodes)
          process.stdout.write(`  fake nodes: ${s.fakeNodes.ready} Ready of ${s.fakeNodes.total}\n`);
        for (const n of s.realNodes ?? []) process.stdout.write(`  ${n.name}: ${n.serviceProxy}; ${n.dns}\n`);
        if (s.apiError) process.stdout.write(`  API unreachable: ${s.apiError}\n`);
        if (s.kubeconfig) process.stdout.write(`  kubeconfig: ${s.kubeconfig}\n`);
        if (!s.healthy) process.exitCode = 1;
      }
    });
  lab
    .command('exec')
    .description("Run a command in a throwaway pod's namespace on a real node, with the pod's resolv.conf")
    .addOption(nameOption())
    .requiredOption('--real-node <n>', 'real node number (1-based)')
    .option('--namespace <ns>', 'namespace of the throwaway pod (decides its DNS search path)', 'default')
    .argument('<command...>', 'the command and its arguments (after --)')
    .action(async (command: string[], opts: { name: string; realNode: string; namespace: string }) => {
      const state = readLabState(opts.name);
      if (!state?.kubeconfig)
        throw new UserError(
          `lab "${opts.name}" is not up`,
          `run: npx scalelab lab up --name ${opts.name} --real-nodes 2`,
        );
      const r = await execInThrowawayPod(state, Number(opts.realNode), command, {
        namespace: opts.namespace,
        stdio: 'inherit',
      });
      process.exitCode = r.exitCode;
    });
  lab.addCommand(labLogsCommand());
  lab
    .command('kubeconfig')
    .description(
      "Print the path of the lab's kubeconfig (works from the host through the loopback forwarder)",
    )
    .addOption(nameOption())
    .action((opts: { name: string }) => {
      const state = readLabState(opts.name);
      if (!state?.kubeconfig)
        throw new UserError(`lab "${opts.name}" is not up`, `run: npx scalelab lab up --name ${opts.name}`);
      process.stdout.write(state.kubeconfig + '\n');
    });
  return lab;
}
