/** The placeholders upstream's node-cache fills when it renders the Corefile from the ConfigMap's template. */
export const pillars = {
  upstreamServers: '__PILLAR__UPSTREAM__SERVERS__',
  clusterDns: '__PILLAR__CLUSTER__DNS__',
  localDns: '__PILLAR__LOCAL__DNS__',
  dnsServer: '__PILLAR__DNS__SERVER__',
} as const;

/**
 * The Corefile CoreDNS runs with: the template with __PILLAR__CLUSTER__DNS__ as the upstream Service's
 * ClusterIP (`undefined` renders upstream's `<nil>`, which CoreDNS then refuses, so the failure is loud),
 * __PILLAR__UPSTREAM__SERVERS__ as /etc/resolv.conf (upstream's choice when kube-dns names no upstream
 * nameservers), __PILLAR__LOCAL__DNS__ as the local IPs, and a __PILLAR__DNS__SERVER__ left over by a
 * link-local deploy removed.
 */
export function renderCorefile(
  template: string,
  o: { clusterDnsIp: string | undefined; localIps: readonly string[]; upstreamServers?: string },
): string {
  return template
    .replaceAll(pillars.upstreamServers, o.upstreamServers ?? '/etc/resolv.conf')
    .replaceAll(pillars.clusterDns, o.clusterDnsIp ?? '<nil>')
    .replaceAll(pillars.localDns, o.localIps.join(' '))
    .replaceAll(pillars.dnsServer, '');
}

/** `kube-dns-upstream` → `KUBE_DNS_UPSTREAM_SERVICE_HOST`, the variable the kubelet injects for a Service. */
export function serviceHostEnv(service: string): string {
  return `${service.replace(/-/g, '_').toUpperCase()}_SERVICE_HOST`;
}
