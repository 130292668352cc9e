export interface ControllerManagerConfig {
  readonly kubeconfig: string;
  readonly podCidr: string;
  readonly nodeCidrMaskSize: number;
  readonly serviceCidr: string;
  readonly caCert: string;
  readonly saKey: string;
  /** Client rate limits; the default 20/30 cannot keep up with thousands of nodes and pods. */
  readonly apiQps: number;
  readonly apiBurst: number;
  /** Must exceed kwok's node lease duration, or slow lease renewals mark fake nodes NotReady. */
  readonly nodeMonitorGracePeriodSeconds: number;
}

export function controllerManagerArgs(c: ControllerManagerConfig): string[] {
  return [
    `--kubeconfig=${c.kubeconfig}`,
    `--authentication-kubeconfig=${c.kubeconfig}`,
    `--authorization-kubeconfig=${c.kubeconfig}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    '--allocate-node-cidrs=true',
    `--cluster-cidr=${c.podCidr}`,
    `--node-cidr-mask-size=${c.nodeCidrMaskSize}`,
    `--service-cluster-ip-range=${c.serviceCidr}`,
    `--root-ca-file=${c.caCert}`,
    `--service-account-private-key-file=${c.saKey}`,
    // Each controller acts as its own service account, as kubeadm runs it; kcm's own identity lacks their rights.
    '--use-service-account-credentials=true',
    `--kube-api-qps=${c.apiQps}`,
    `--kube-api-burst=${c.apiBurst}`,
    `--node-monitor-grace-period=${c.nodeMonitorGracePeriodSeconds}s`,
    '--concurrent-service-endpoint-syncs=10',
    '--concurrent-replicaset-syncs=10',
    '--concurrent-deployment-syncs=10',
    '--v=1',
  ];
}
