import { ipIn, labNetns } from '../lab/netns.ts';
import type { RealNodeInfo } from '../lab/real-nodes.ts';

/**
 * "VPC-native" pod routing: every node, and the lab's router namespace, gets a route to each other node's
 * podCIDR via that node's fabric address, as a cloud VPC routes pod ranges. No encapsulation.
 */
export async function installDirectRoutes(
  lab: string,
  nodes: readonly (RealNodeInfo & { podCidr: string })[],
): Promise<void> {
  for (const target of nodes) {
    await ipIn(labNetns(lab), ['route', 'replace', target.podCidr, 'via', target.ip]);
    for (const from of nodes) {
      if (from.name !== target.name)
        await ipIn(from.netns, ['route', 'replace', target.podCidr, 'via', target.ip]);
    }
  }
}
