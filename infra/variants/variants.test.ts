import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { scenarioSchema } from '../../scenarios/schema.ts';
import { parseLabUpOptions } from '../lab/spec.ts';
import { UserError } from '../../runners/errors.ts';
import { podNetworks } from './pod-network.ts';
import { podNetworkNames } from './names.ts';
import { serviceProxies } from './service-proxy.ts';
import { iptablesBackends, serviceProxyNames } from './names.ts';
import { dnsValues } from './dns.ts';
import { dnsNames } from './names.ts';
import { hostFacts } from '../lab/host-facts.ts';

const withIpvs = { kernel: 'k' };
const noIpvs = { kernel: 'k', ipvsMissing: 'this kernel has no IPVS: CONFIG_IP_VS is not set' };

describe('the axes are the one list of values', () => {
  test('the scenario schema takes each axis from its module', () => {
    const variants = (scenarioSchema.jsonSchema() as any).properties.variants.properties;
    assert.deepEqual(variants.podNetwork.items.enum, [...podNetworkNames]);
    assert.deepEqual(variants.proxyMode.items.enum, [...serviceProxyNames]);
    assert.deepEqual(variants.iptablesBackend.items.enum, [...iptablesBackends]);
    assert.deepEqual(variants.dns.items.enum, [...dnsNames]);
  });

  test('the values and their order are the ones scenarios and variant ids have always used', () => {
    assert.deepEqual(podNetworkNames, ['direct', 'vxlan', 'bgp']);
    assert.deepEqual(serviceProxyNames, ['iptables', 'nftables', 'ipvs', 'cilium']);
    assert.deepEqual(iptablesBackends, ['nft', 'legacy']);
    assert.deepEqual(dnsNames, ['coredns', 'nodelocal']);
  });

  test('each value is keyed by its own name', () => {
    for (const axis of [podNetworks, serviceProxies, dnsValues])
      for (const [key, value] of Object.entries(axis)) assert.equal(value.name, key);
  });
});

describe('host support: one reason per value', () => {
  test('only ipvs and cilium depend on the kernel, and say why', () => {
    assert.equal(serviceProxies.ipvs.unsupported(withIpvs), undefined);
    assert.equal(serviceProxies.ipvs.unsupported(noIpvs), noIpvs.ipvsMissing);
    assert.equal(serviceProxies.cilium.unsupported(noIpvs), undefined);
    const noBpf = { ...noIpvs, ebpfMissing: 'this kernel has no bpf filesystem (CONFIG_BPF_SYSCALL)' };
    assert.equal(serviceProxies.cilium.unsupported(noBpf), noBpf.ebpfMissing);
    for (const v of [...Object.values(podNetworks), serviceProxies.iptables, serviceProxies.nftables])
      assert.equal(v.unsupported(noBpf), undefined, v.name);
  });

  test('cilium, built on demand, names what is missing and the command; the kube-proxy modes need nothing', () => {
    const missing = serviceProxies.cilium.notBuilt?.();
    if (missing) assert.match(missing, /run npx scalelab build cilium/);
    for (const v of [serviceProxies.iptables, serviceProxies.nftables, serviceProxies.ipvs])
      assert.equal(v.notBuilt, undefined, v.name);
  });

  test('both DNS values run on any host (node-cache is reproduced around CoreDNS)', () => {
    for (const host of [withIpvs, noIpvs]) {
      assert.equal(dnsValues.nodelocal.unsupported(host), undefined);
      assert.equal(dnsValues.coredns.unsupported(host), undefined);
    }
  });

  test('lab up refuses an unsupported value with its reason and what to use instead', (t) => {
    const missing = hostFacts().ipvsMissing;
    if (!missing) return t.skip('this kernel has IPVS: nothing to refuse');
    assert.throws(
      () =>
        parseLabUpOptions({
          name: 'ax1',
          fakeNodes: '0',
          nodeLeaseSeconds: '240',
          realNodes: '2',
          proxyMode: 'ipvs',
        }),
      (e: unknown) =>
        e instanceof UserError &&
        e.message.includes(`--proxy-mode ipvs: ${missing}; use iptables or nftables on this machine`),
    );
  });
});

describe('what a value adds to a node', () => {
  const node = {
    node: 'real-node-1',
    podCidr: '100.64.7.0/24',
    nodeDir: '/run/scalelab/x/nodes/real-node-1',
  };

  test('bgp pods get the ptp plugin (a veth and a /32 route each, no bridge) on the node podCIDR', () => {
    const r = podNetworks.bgp.cniNetwork(node);
    assert.ok('network' in r);
    const [plugin, ...rest] = r.network.plugins;
    assert.equal(rest.length, 0);
    assert.equal(plugin?.type, 'ptp');
    assert.equal(plugin?.bridge, undefined);
    assert.equal(plugin?.ipMasq, false);
    assert.deepEqual((plugin?.ipam as any).ranges, [[{ subnet: '100.64.7.0/24' }]]);
    assert.equal((plugin?.ipam as any).dataDir, `${node.nodeDir}/cni`);
  });

  test('direct pods sit on the cni0 bridge', () => {
    const r = podNetworks.direct.cniNetwork(node);
    assert.ok('network' in r);
    assert.equal(r.network.plugins[0]?.type, 'bridge');
    assert.equal(r.network.plugins[0]?.bridge, 'cni0');
  });

  test('without a podCIDR the node waits, naming why', () => {
    for (const v of [podNetworks.direct, podNetworks.bgp])
      assert.deepEqual(v.cniNetwork({ ...node, podCidr: undefined }), {
        notReady: 'waiting for kube-controller-manager to allocate a podCIDR',
      });
    assert.match(
      JSON.stringify(podNetworks.vxlan.cniNetwork({ ...node, flannelSubnetFile: '/nonexistent/f.env' })),
      /waiting for flannel to write \/nonexistent\/f\.env/,
    );
  });

  test("the DNS value picks the pods' nameserver from the node's proxy", () => {
    assert.equal(dnsValues.coredns.podNameserver(serviceProxies.ipvs), '198.19.0.10');
    assert.equal(dnsValues.nodelocal.podNameserver(serviceProxies.iptables), '198.19.0.10');
    assert.equal(dnsValues.nodelocal.podNameserver(serviceProxies.nftables), '198.19.0.10');
    assert.equal(dnsValues.nodelocal.podNameserver(serviceProxies.ipvs), '169.254.20.10');
    // The agent translates the ClusterIP at the pod's socket, before a NOTRACK rule could matter.
    assert.equal(dnsValues.nodelocal.podNameserver(serviceProxies.cilium), '169.254.20.10');
  });
});

test('what each value reports', () => {
  const s = { iptablesBackend: 'nft' as const, kubernetesVersion: 'v1.36.3' };
  assert.equal(serviceProxies.iptables.label(s), 'kube-proxy v1.36.3, iptables mode, nft backend');
  assert.equal(
    serviceProxies.iptables.label({ ...s, iptablesBackend: 'legacy' }),
    'kube-proxy v1.36.3, iptables mode, legacy backend',
  );
  assert.equal(serviceProxies.nftables.label(s), 'kube-proxy v1.36.3, nftables mode');
  assert.equal(serviceProxies.ipvs.label(s), 'kube-proxy v1.36.3, ipvs mode');
  assert.match(
    serviceProxies.cilium.label(s),
    /^cilium-agent v1\.20\.2, kube-proxy replacement \(socket LB\)$/,
  );
  assert.match(dnsValues.coredns.label(), /^CoreDNS v1\.\d+\.\d+$/);
  assert.match(podNetworks.vxlan.label(), /^flannel v0\.\d+\.\d+, vxlan backend/);
  assert.match(podNetworks.bgp.label(), /bird2 .*ptp/);
});
