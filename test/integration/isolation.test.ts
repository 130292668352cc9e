/**
 * Isolation (issue 9): while a lab runs and carries traffic (pod to Service VIP, DNS through CoreDNS, pod to
 * the other node across the VXLAN overlay, the host's kubectl through the loopback forwarder), a capture on
 * every interface of the host's own namespace sees no packet from or to the lab's ranges, and the host's
 * addresses, links, routes and rules stay byte-identical, with the lab up and after it is down.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { execInThrowawayPod } from '../../infra/lab/pod-exec.ts';
import { readLabState, type LabState } from '../../infra/lab/state.ts';
import { labAddresses, realNodeIp } from '../../infra/lab/addresses.ts';
import { sleep } from '../../infra/lab/processes.ts';
import { hostNetworkSnapshot, kubectlPath, scalelab, labUpOrFail } from './helpers.ts';

const lab = 'itiso';
/** The lab's ranges: the fabric and fake nodes (198.18/16), Services (198.19/16), pods, the node-local address. */
const labFilter = `net 198.18.0.0/15 or net ${labAddresses.podCidr} or host ${labAddresses.nodeLocalDns}`;

describe('the lab stays in its namespaces', { timeout: 600_000 }, () => {
  let hostBefore = '';
  let state: LabState;
  let capture: ChildProcess;
  let captured = '';

  before(async () => {
    await scalelab(['lab', 'down', '--name', lab]);
    hostBefore = await hostNetworkSnapshot();
    // -p: no promiscuous mode; -i any: every interface of the host's namespace (and only that namespace).
    capture = spawn('tcpdump', ['-i', 'any', '-n', '-l', '-p', `(${labFilter}) or (host 127.0.0.1 and tcp)`]);
    capture.stdout!.setEncoding('utf8').on('data', (d: string) => (captured += d));
    let started = '';
    capture.stderr!.setEncoding('utf8').on('data', (d: string) => (started += d));
    while (!/listening on/.test(started)) {
      assert.equal(capture.exitCode, null, `tcpdump did not start: ${started}`);
      await sleep(100);
    }
    await labUpOrFail(lab, ['--fake-nodes', '20', '--real-nodes', '2', '--pod-network', 'vxlan']);
    state = readLabState(lab)!;
  });
  after(async () => {
    capture?.kill();
    await scalelab(['lab', 'down', '--name', lab]);
  });

  test("with the lab up, the host's addresses, links, routes and rules are unchanged", async () => {
    assert.equal(await hostNetworkSnapshot(), hostBefore);
  });

  test('traffic inside the lab leaves no packet on the host; the capture itself works', async () => {
    // Each waits up to 30 s for its first answer: the lab is up, but CoreDNS and the rules may still be settling.
    const retry = 'retry() { for i in $(seq 60); do "$@" && return 0; sleep 0.5; done; return 1; }';
    const inPod = [
      // Pod → the kubernetes Service VIP → the apiserver on the fabric.
      `retry curl -sk --max-time 5 -o /dev/null https://${labAddresses.kubernetesService}/version`,
      // Pod → CoreDNS through the kube-dns VIP, by the search path.
      'retry getent hosts kubernetes.default',
      // Pod on node 1 → node 2's kube-proxy across the fabric.
      `retry curl -s --max-time 5 -o /dev/null http://${realNodeIp(2)}:10256/healthz`,
    ].join(' && ');
    const r = await execInThrowawayPod(state, 1, ['sh', '-c', `${retry}; ${inPod}`]);

    assert.equal(r.exitCode, 0, r.stderr);
    // The positive control: the host's kubectl through the loopback forwarder is seen by the same capture.
    const get = spawn(await kubectlPath(), ['--kubeconfig', state.kubeconfig!, 'get', 'nodes', '-o', 'name']);
    await once(get, 'close');
    assert.equal(get.exitCode, 0);
    await sleep(1000);
    capture.kill('SIGINT');
    await once(capture, 'close');
    const lines = captured.split('\n').filter(Boolean);
    const forwarder = `127.0.0.1.${state.forwarderPort}`;
    assert.ok(
      lines.some((l) => l.includes(forwarder)),
      `the capture saw the kubectl traffic on ${forwarder}`,
    );
    const leaked = lines.filter((l) => !/ 127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.\d+/.test(l));
    assert.deepEqual(leaked, [], 'packets from or to the lab ranges in the host namespace');
  });

  test('down leaves the host network byte-identical', async () => {
    const down = await scalelab(['lab', 'down', '--name', lab]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await hostNetworkSnapshot(), hostBefore);
  });
});
