/**
 * `none` on a node (`--node-values none/coredns`): no service proxy. Not a variant value: side by side's shared
 * target node only answers other nodes' connections to pod IPs (the client's node translates the VIP), so a
 * proxy there would only reload 5,000 Services' rules on the same 2 cores as the proxies being measured.
 * Its label tells CoreDNS where to run (infra/addons/coredns.ts).
 */
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { noServiceProxyLabel } from '../../node-agent/node-registration.ts';
import type { ServiceProxyValue } from '../service-proxy-value.ts';

export const noServiceProxy: ServiceProxyValue<'none'> = {
  name: 'none',
  help: 'none (no service proxy: a node for other nodes’ targets)',
  unsupported: () => undefined,
  // No node-local cache may run here (node-values.ts refuses none/nodelocal); a mode is still required.
  localDns: 'transparent',
  bringUp: async (ctx, nodes) => {
    const core = ctx.kc.makeApiClient(CoreV1Api);
    for (const n of nodes)
      await core.patchNode(
        {
          name: n.name,
          body: { metadata: { labels: { [noServiceProxyLabel.key]: noServiceProxyLabel.value } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
  },
  label: () => 'no service proxy',
};
