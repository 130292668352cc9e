/**
 * `cilium`: Cilium's eBPF kube-proxy replacement (cilium-agent v1.20.2, built on demand), one agent per real
 * node on the one kernel: its own bpffs, state, socket and cgroup2 subtree (infra/cilium/). Services are
 * translated at the socket (connect/sendmsg hooks on the node's cgroup, where the node agent and every pod
 * process it starts live), so no kube-proxy runs on its nodes. No Cilium CNI, policy, health checks or Hubble:
 * the service proxy alone, beside the lab's pod network.
 */
import { existsSync } from 'node:fs';
import { isBuilt } from '../../build/go-build.ts';
import { ciliumRecipe } from '../../build/recipes.ts';
import { ciliumServes, startCiliumAgent } from '../../cilium/start-agent.ts';
import { ciliumNodePaths } from '../../cilium/paths.ts';
import { ciliumHostTools } from '../../cilium/datapath-sources.ts';
import { serviceMapSize } from '../../cilium/service-map-size.ts';
import type { ServiceProxyValue } from '../service-proxy-value.ts';

export const cilium: ServiceProxyValue<'cilium'> = {
  name: 'cilium',
  help: 'cilium (eBPF kube-proxy replacement)',
  unsupported: (host) => host.ebpfMissing,
  otherwise: 'use iptables or nftables on this machine',
  notBuilt: () => {
    const missing = [
      ...(isBuilt(ciliumRecipe) ? [] : [`cilium-agent ${ciliumRecipe.pin.version}`]),
      ...ciliumHostTools.filter((t) => !existsSync(t)),
    ];
    return missing.length
      ? `${missing.join(', ')} not installed: run npx scalelab build cilium (~45 min cold on 2 cores)`
      : undefined;
  },
  // The agent translates the kube-dns ClusterIP at the pod's own socket, before any iptables rule could skip
  // it: a node-local cache must have its own address (169.254.20.10), as with ipvs.
  localDns: 'link-local',
  bringUp: async (ctx, nodes) => {
    for (const n of nodes) {
      const lbMapMax = serviceMapSize(ctx.state.spec.maxServices);
      const { argv } = await startCiliumAgent(ctx.state, n, { lbMapMax }, ctx.start);
      ctx.state.flags[`cilium-agent-${n.index}`] = argv; // the agent's flags, not its launch script's
    }
    // Compiling the datapath with clang takes a minute or more per node on a loaded 2-core machine.
    await ctx.wait(
      'cilium-agent on every real node: datapath loaded and healthz Ok',
      async () => {
        for (const n of nodes)
          if (!(await ciliumServes(ciliumNodePaths(ctx.state.spec.name, n.name)))) return false;
        return true;
      },
      600_000,
    );
  },
  label: () => `cilium-agent ${ciliumRecipe.pin.version}, kube-proxy replacement (socket LB)`,
};
