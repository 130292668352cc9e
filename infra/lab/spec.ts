import { UserError } from '../../runners/errors.ts';
import { maxFakeNodes } from './addresses.ts';
import { hostFacts } from './host-facts.ts';
import { kubernetesVersions } from '../versions.ts';
import { podNetworks } from '../variants/pod-network.ts';
import { podNetworkNames } from '../variants/names.ts';
import { serviceProxies } from '../variants/service-proxy.ts';
import { iptablesBackends, serviceProxyNames } from '../variants/names.ts';
import { dnsValues } from '../variants/dns.ts';
import { dnsNames } from '../variants/names.ts';

/** Real nodes live at 198.18.1.N; each runs kube-proxy and an agent, so a 2-core machine holds a few. */
export const maxRealNodes = 8;
import type { LabSpec } from './state.ts';

/** Lab names become namespace and directory names: short, lowercase, no "_" (it separates lab and part). */
export const labNamePattern = /^[a-z][a-z0-9-]{0,19}$/;

/** Checks `lab up`'s options before anything starts; every problem is reported at once. */
export function parseLabUpOptions(raw: Record<string, string | undefined>): LabSpec {
  const problems: string[] = [];
  const name = raw.name ?? 'lab';
  if (!labNamePattern.test(name)) {
    problems.push(
      `--name: expected 1–20 lowercase letters, digits or "-", starting with a letter; got "${name}"`,
    );
  }
  const int = (flag: string, value: string | undefined, min: number, max: number) => {
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value.trim()) || n < min || n > max) {
      problems.push(`--${flag}: expected a whole number from ${min} to ${max}; got "${value}"`);
      return min;
    }
    return n;
  };
  const fakeNodes = int('fake-nodes', raw.fakeNodes, 0, maxFakeNodes);
  const nodeLeaseSeconds = int('node-lease-seconds', raw.nodeLeaseSeconds, 10, 3600);
  const realNodes = int('real-nodes', raw.realNodes ?? '0', 0, maxRealNodes);
  const maxServices =
    raw.maxServices === undefined ? undefined : int('max-services', raw.maxServices, 0, 1_000_000);
  const oneOf = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T => {
    if (!allowed.includes(value as T)) {
      problems.push(`--${flag}: expected one of ${allowed.join(', ')}; got "${value}"`);
      return allowed[0]!;
    }
    return value as T;
  };
  const podNetwork = oneOf('pod-network', raw.podNetwork ?? 'direct', podNetworkNames);
  const proxyMode = oneOf('proxy-mode', raw.proxyMode ?? 'iptables', serviceProxyNames);
  const iptablesBackend = oneOf('iptables-backend', raw.iptablesBackend ?? 'nft', iptablesBackends);
  const dns = oneOf('dns', raw.dns ?? 'coredns', dnsNames);
  const pinned = kubernetesVersions();
  const kubernetesVersion = oneOf('kubernetes-version', raw.kubernetesVersion ?? pinned[0], pinned);
  if (realNodes > 0) {
    const facts = hostFacts();
    const chosen = [
      ['pod-network', podNetworks[podNetwork]],
      ['proxy-mode', serviceProxies[proxyMode]],
      ['dns', dnsValues[dns]],
    ] as const;
    for (const [flag, value] of chosen) {
      const reason = value.unsupported(facts);
      if (reason)
        problems.push(`--${flag} ${value.name}: ${reason}${value.otherwise ? `; ${value.otherwise}` : ''}`);
      else {
        const missing = value.notBuilt?.();
        if (missing) problems.push(`--${flag} ${value.name}: ${missing}`);
      }
    }
  }
  if (problems.length)
    throw new UserError(`lab up: bad arguments, nothing was started:\n  ${problems.join('\n  ')}`);
  if (process.getuid?.() !== 0) {
    throw new UserError(
      'lab up needs root: it creates network namespaces',
      'run it as root (sudo -E npx scalelab lab up …)',
    );
  }
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
    ...(maxServices === undefined ? {} : { maxServices }),
  };
}
