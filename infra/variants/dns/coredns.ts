/** `coredns`: the cluster's CoreDNS alone (a Deployment behind the kube-dns Service); pods ask its ClusterIP. */
import { labAddresses as A } from '../../lab/addresses.ts';
import { pin } from '../../versions.ts';
import type { DnsValue } from '../dns-value.ts';

export const coredns: DnsValue<'coredns'> = {
  name: 'coredns',
  help: 'coredns',
  unsupported: () => undefined,
  podNameserver: () => A.kubeDnsService,
  label: () => `CoreDNS ${pin('coredns').version}`,
};
