/**
 * cilium-agent as one real node's service proxy (kube-proxy replacement), one agent per node on one kernel.
 * Every path the agent has a flag for is per node; the paths it hard-codes (/var/run/cilium/{cilium.pid,
 * shell.sock,monitor1_2.sock,deleteQueue}) are kept private by its launch script (infra/cilium/launch.ts).
 */
export interface CiliumAgentConfig {
  readonly kubeconfig: string;
  /** A bpffs mounted for this node alone: pinned maps live under <bpfRoot>/tc/globals. */
  readonly bpfRoot: string;
  /** This node's cgroup2 subtree, bind-mounted: socket-level load balancing attaches here. */
  readonly cgroupRoot: string;
  readonly stateDir: string;
  /** Holds bpf/ (the datapath sources, writable: the agent writes its feature headers into them). */
  readonly libDir: string;
  readonly socketPath: string;
  /** The node's fabric device (eth0): native routing and the kube-proxy replacement's datapath attach here. */
  readonly device: string;
  /** All pod CIDRs of the lab: traffic to them is routed natively, never masqueraded. */
  readonly nativeRoutingCidr: string;
  /** cilium_host's address, outside every podCIDR: the bridge CNI owns the podCIDR's addresses. */
  readonly routerIp: string;
  /** Where Prometheus metrics are served (the node's fabric address), or undefined for none. */
  readonly metricsAddress?: string;
  /**
   * true: socket-level load balancing only in the node's own namespace, pods' traffic balanced per packet
   * at tc (needs cilium-cni on the pod's veth). false: sockets of every process in cgroupRoot, pods included.
   */
  readonly socketLbHostnsOnly: boolean;
  /** --bpf-lb-map-max: service/backend map size; the default 65,536 caps the number of Service ports. */
  readonly lbMapMax?: number;
}

export function ciliumAgentArgs(c: CiliumAgentConfig): string[] {
  return [
    `--k8s-kubeconfig-path=${c.kubeconfig}`,
    `--bpf-root=${c.bpfRoot}`,
    `--cgroup-root=${c.cgroupRoot}`,
    `--state-dir=${c.stateDir}`,
    `--lib-dir=${c.libDir}`,
    `--socket-path=${c.socketPath}`,
    // The service proxy alone: kube-proxy's job in eBPF, nothing of Cilium's CNI, policy or observability.
    '--kube-proxy-replacement=true',
    `--bpf-lb-sock-hostns-only=${c.socketLbHostnsOnly}`,
    '--routing-mode=native',
    `--ipv4-native-routing-cidr=${c.nativeRoutingCidr}`,
    '--auto-direct-node-routes=false',
    // The bridge plugin owns the podCIDR: no route for it via cilium_host, whose address lies outside it.
    '--enable-local-node-route=false',
    `--local-router-ipv4=${c.routerIp}`,
    '--ipam=kubernetes',
    '--k8s-require-ipv4-pod-cidr=true',
    '--enable-ipv4=true',
    '--enable-ipv6=false',
    '--enable-ipv4-masquerade=false',
    '--enable-bpf-masquerade=false',
    '--enable-policy=never',
    '--enable-k8s-networkpolicy=false',
    '--enable-health-checking=false',
    '--enable-endpoint-health-checking=false',
    '--enable-l7-proxy=false',
    '--enable-envoy-config=false',
    '--enable-hubble=false',
    // Never rename or write CNI configs: /etc/cni/net.d is the host's.
    '--cni-exclusive=false',
    `--devices=${c.device}`,
    `--direct-routing-device=${c.device}`,
    ...(c.metricsAddress ? [`--prometheus-serve-addr=${c.metricsAddress}`] : []),
    ...(c.lbMapMax ? [`--bpf-lb-map-max=${c.lbMapMax}`] : []),
  ];
}
