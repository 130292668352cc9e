/** The lab's address plan (docs/architecture.md §2): RFC 2544 benchmarking space, never routed to the host. */
export const labAddresses = {
  /** The control plane's address on the fabric bridge inside the lab namespace. */
  controlPlane: '198.18.0.1',
  fabricPrefix: 16,
  apiserverPort: 6443,
  etcdClient: '127.0.0.1:2379',
  /** kube-controller-manager allocates a /24 from here to every node, fake and real. */
  podCidr: '100.64.0.0/10',
  nodeCidrMaskSize: 24,
  serviceCidr: '198.19.0.0/16',
  kubernetesService: '198.19.0.1',
  kubeDnsService: '198.19.0.10',
  nodeLocalDns: '169.254.20.10',
} as const;

/** Real node N (1-based) sits at 198.18.1.N on the fabric. */
export function realNodeIp(n: number): string {
  return `198.18.1.${n}`;
}

/**
 * Fake node i (0-based) gets an InternalIP from 198.18.64.0/18: API data only, nothing listens there, but every
 * node has its own address as in a real cluster.
 */
export function fakeNodeIp(i: number): string {
  const n = (64 << 8) + i + 1;
  return `198.18.${n >> 8}.${n & 255}`;
}

/** 100.64.0.0/10 holds 16,384 /24s; keep some for real nodes. */
export const maxFakeNodes = 16_000;
