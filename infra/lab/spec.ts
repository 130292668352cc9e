import { UserError } from '../../runners/errors.ts';
import { maxFakeNodes } from './addresses.ts';
import { hostFacts } from './host-facts.ts';
import { kubernetesVersions } from '../versions.ts';
import { podNetworks } from '../variants/pod-network.ts';
import { podNetworkNames } from '../variants/names.ts';
import { nodeServiceProxy, serviceProxies } from '../variants/service-proxy.ts';
import { iptablesBackends, serviceProxyNames } from '../variants/names.ts';
import { dnsValues } from '../variants/dns.ts';
import { dnsNames } from '../variants/names.ts';
import { parseNodeValues } from './node-values.ts';

/** Real nodes live at 198.18.1.N; each runs kube-proxy and an agent, so a 2-core machine holds a few. */
export const maxRealNodes = 8;
import type { LabSpec, NodeValues } from './state.ts';
import type { VariantValue } from '../variants/variant.ts';

/** Lab names become namespace and directory names: short, lowercase, no "_" (it separates lab and part). */
export const labNamePattern = /^[a-z][a-z0-9-]{0,19}$/;

/** Checks `lab up`'s options before anything starts; every problem is reported at once. */
export function parseLabUpOptions(raw: Record<string, string | undefined>): LabSpec {
  const problems: string[] = [];
  const { int, oneOf } = flagReader(problems);
  const name = raw.name ?? 'lab';
  if (!labNamePattern.test(name)) {
    problems.push(
      `--name: expected 1–20 lowercase letters, digits or "-", starting with a letter; got "${name}"`,
    );
  }
  const fakeNodes = int('fake-nodes', raw.fakeNodes, 0, maxFakeNodes);
  const nodeLeaseSeconds = int('node-lease-seconds', raw.nodeLeaseSeconds, 10, 3600);
  const realNodes = int('real-nodes', raw.realNodes ?? '0', 0, maxRealNodes);
  const maxServices =
    raw.maxServices === undefined ? undefined : int('max-services', raw.maxServices, 0, 1_000_000);
  const podNetwork = oneOf('pod-network', raw.podNetwork ?? 'direct', podNetworkNames);
  let proxyMode = oneOf('proxy-mode', raw.proxyMode ?? 'iptables', serviceProxyNames);
  const iptablesBackend = oneOf('iptables-backend', raw.iptablesBackend ?? 'nft', iptablesBackends);
  let dns = oneOf('dns', raw.dns ?? 'coredns', dnsNames);
  const perNode =
    raw.nodeValues === undefined ? undefined : nodeValuesOption(raw, raw.nodeValues, realNodes, problems);
  // The lab-wide fields name node 1's values: the node measurements put their client on.
  // (parseNodeValues refuses none on node 1.)
  const first = perNode?.values?.[0];
  if (first) {
    if (first.proxyMode !== 'none') proxyMode = first.proxyMode;
    dns = first.dns;
  }
  const pinned = kubernetesVersions();
  const kubernetesVersion = oneOf('kubernetes-version', raw.kubernetesVersion ?? pinned[0], pinned);
  if (realNodes > 0) problems.push(...hostProblems(chosenValues(podNetwork, perNode?.named, proxyMode, dns)));
  if (problems.length)
    throw new UserError(`lab up: bad arguments, nothing was started:\n  ${problems.join('\n  ')}`);
  requireRoot();
  return {
    name,
    fakeNodes,
    nodeLeaseSeconds,
    realNodes,
    podNetwork,
    proxyMode,
    iptablesBackend,
    dns,
    kubernetesVersion,
    ...(perNode?.values ? { nodeValues: perNode.values } : {}),
    ...(maxServices === undefined ? {} : { maxServices }),
  };
}

/** Reads flags into values: a bad one is a problem and a stand-in value, so the checks go on. */
function flagReader(problems: string[]) {
  return {
    int(flag: string, value: string | undefined, min: number, max: number): number {
      const n = Number(value);
      if (value === undefined || !/^\d+$/.test(value.trim()) || n < min || n > max) {
        problems.push(`--${flag}: expected a whole number from ${min} to ${max}; got "${value}"`);
        return min;
      }
      return n;
    },
    oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T {
      if (!allowed.includes(value as T)) {
        problems.push(`--${flag}: expected one of ${allowed.join(', ')}; got "${value}"`);
        return allowed[0]!;
      }
      return value as T;
    },
  };
}

/**
 * --node-values: `values` when every entry is good; `named`, every entry that names known values, checked
 * against the host even when others are wrong.
 */
function nodeValuesOption(
  raw: Record<string, string | undefined>,
  text: string,
  realNodes: number,
  problems: string[],
): { readonly named: NodeValues[]; readonly values?: NodeValues[] } {
  // One source for each node's values: the lab-wide flags would be either redundant or contradicted.
  for (const [f, given] of [
    ['proxy-mode', raw.proxyMode],
    ['dns', raw.dns],
  ] as const)
    if (given !== undefined)
      problems.push(`--${f}: not with --node-values, which gives each real node its ${f}; drop one of them`);
  const parsed = parseNodeValues(text, realNodes);
  problems.push(...parsed.problems);
  return { named: parsed.values, ...(parsed.problems.length ? {} : { values: parsed.values }) };
}

/** The values real nodes would run, each with the flag that chose it. */
function chosenValues(
  podNetwork: LabSpec['podNetwork'],
  named: readonly NodeValues[] | undefined,
  proxyMode: LabSpec['proxyMode'],
  dns: LabSpec['dns'],
): [string, VariantValue][] {
  const chosen: [string, VariantValue][] = [['pod-network', podNetworks[podNetwork]]];
  if (named) {
    const proxies = new Set(named.map((v) => v.proxyMode));
    const dnses = new Set(named.map((v) => v.dns));
    chosen.push(...[...proxies].map((p) => ['node-values', nodeServiceProxy(p)] as [string, VariantValue]));
    chosen.push(...[...dnses].map((d) => ['node-values', dnsValues[d]] as [string, VariantValue]));
  } else chosen.push(['proxy-mode', serviceProxies[proxyMode]], ['dns', dnsValues[dns]]);
  return chosen;
}

/** Each chosen value this host cannot run, or that is not built yet. */
function hostProblems(chosen: readonly [string, VariantValue][]): string[] {
  const facts = hostFacts();
  const problems: string[] = [];
  for (const [flag, value] of chosen) {
    const reason = value.unsupported(facts);
    if (reason)
      problems.push(`--${flag} ${value.name}: ${reason}${value.otherwise ? `; ${value.otherwise}` : ''}`);
    else {
      const missing = value.notBuilt?.();
      if (missing) problems.push(`--${flag} ${value.name}: ${missing}`);
    }
  }
  return problems;
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new UserError(
      'lab up needs root: it creates network namespaces',
      'run it as root (sudo -E npx scalelab lab up …)',
    );
  }
}
