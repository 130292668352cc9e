export interface ApiserverConfig {
  readonly advertiseAddress: string;
  readonly securePort: number;
  readonly etcdServers: string;
  readonly serviceCidr: string;
  readonly pki: {
    caCert: string;
    serverCert: string;
    serverKey: string;
    saKey: string;
    saPub: string;
    clients: { apiserverKubeletClient: { cert: string; key: string } };
  };
  /** Upstream's large-cluster settings raise these from 400/200 (kubemark, CL2's 5k-node presets). */
  readonly maxRequestsInflight: number;
  readonly maxMutatingRequestsInflight: number;
}

export function apiserverArgs(c: ApiserverConfig): string[] {
  return [
    `--advertise-address=${c.advertiseAddress}`,
    '--bind-address=0.0.0.0',
    `--secure-port=${c.securePort}`,
    `--etcd-servers=${c.etcdServers}`,
    `--service-cluster-ip-range=${c.serviceCidr}`,
    `--client-ca-file=${c.pki.caCert}`,
    `--tls-cert-file=${c.pki.serverCert}`,
    `--tls-private-key-file=${c.pki.serverKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${c.pki.saPub}`,
    `--service-account-signing-key-file=${c.pki.saKey}`,
    // The kubelet API (pods/log, exec) on real nodes: verify their serving certificates against the lab CA,
    // present a client certificate, and dial the InternalIP (the Hostname address does not resolve here).
    `--kubelet-certificate-authority=${c.pki.caCert}`,
    `--kubelet-client-certificate=${c.pki.clients.apiserverKubeletClient.cert}`,
    `--kubelet-client-key=${c.pki.clients.apiserverKubeletClient.key}`,
    '--kubelet-preferred-address-types=InternalIP,Hostname',
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    `--max-requests-inflight=${c.maxRequestsInflight}`,
    `--max-mutating-requests-inflight=${c.maxMutatingRequestsInflight}`,
    '--event-ttl=1h',
    '--endpoint-reconciler-type=lease',
    '--v=1',
  ];
}
