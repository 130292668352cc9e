import { CoreV1Api, type KubeConfig, type V1Node, type V1NodeList } from '@kubernetes/client-node';
import { apiGet } from '../../runners/cluster/api-get.ts';
import { apiTable, tableColumn, type ApiTable } from '../../runners/cluster/api-table.ts';
import { openApiWrites, paths } from '../api/api-writes.ts';
import { kwokNodeAnnotation } from '../components/kwok.ts';
import { fakeNodeIp } from './addresses.ts';
import type { Log } from '../../runners/events.ts';
import { sleep } from './processes.ts';
import { runPool } from '../pool.ts';

export const fakeNodeLabel = { key: 'type', value: 'kwok' } as const;
const zones = ['lab-a', 'lab-b', 'lab-c'];

export function fakeNodeName(i: number): string {
  return `kwok-node-${i}`;
}

/** A fake node as a cloud provider's kubelet would register it: 16 CPUs, 64 GiB, 110 pods, a zone. */
export function fakeNodeObject(i: number): V1Node {
  const name = fakeNodeName(i);
  const capacity = { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        [kwokNodeAnnotation.key]: kwokNodeAnnotation.value,
        'node.alpha.kubernetes.io/ttl': '0',
      },
      labels: {
        [fakeNodeLabel.key]: fakeNodeLabel.value,
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'lab-16cpu-64gi',
        'topology.kubernetes.io/region': 'lab',
        'topology.kubernetes.io/zone': zones[i % zones.length]!,
      },
    },
    spec: {
      providerID: `kwok://${name}`,
      // kwok's convention: workloads meant for fake nodes tolerate this; nothing lands there by accident.
      taints: [{ key: kwokNodeAnnotation.key, value: kwokNodeAnnotation.value, effect: 'NoSchedule' }],
    },
    status: {
      capacity,
      allocatable: { ...capacity, cpu: '15890m', memory: '61Gi' },
      addresses: [
        { type: 'InternalIP', address: fakeNodeIp(i) },
        { type: 'Hostname', address: name },
      ],
    },
  };
}

/** Node creates in flight: on one HTTP/2 connection (the apiserver allows 100 streams), or as many HTTP/1.1 ones. */
const createsAtOnce = 32;

/**
 * Creates fake nodes [from, to) with bounded concurrency; existing ones are kept (up is idempotent). Through the
 * churn's writes, not client-node: its per-request agent paid a TLS handshake and node-fetch per node (57/s
 * against the churn's 320/s on the same machine, issue 17).
 */
export async function createFakeNodes(
  kc: KubeConfig,
  from: number,
  to: number,
  log: Log,
  signal: AbortSignal,
) {
  const api = await openApiWrites(kc, createsAtOnce);
  let done = 0;
  try {
    await runPool(
      createsAtOnce,
      to - from,
      async (k) => {
        const i = from + k;
        await retry(
          async () => {
            try {
              await api.create(paths.nodes(), fakeNodeObject(i));
            } catch (err) {
              if ((err as { code?: unknown }).code !== 409) throw err;
            }
          },
          `create node ${fakeNodeName(i)}`,
        );
        done++;
        log({ kind: 'progress', step: 'create fake nodes', done, total: to - from });
      },
      signal,
    );
  } finally {
    api.close();
  }
}

/** The fake nodes, from the apiserver's watch cache (resourceVersion 0). */
const fakeNodesPath = `/api/v1/nodes?labelSelector=${encodeURIComponent(`${fakeNodeLabel.key}=${fakeNodeLabel.value}`)}&resourceVersion=0`;

/**
 * Counts fake nodes and how many are usable: Ready (kwok) and holding a podCIDR (kcm), since pods need both.
 * Reads the apiserver's watch cache (resourceVersion 0), which stays cheap with thousands of nodes.
 */
export async function countFakeNodes(kc: KubeConfig): Promise<{ total: number; ready: number }> {
  // Plain JSON.parse, not the client's typed deserializer (ObjectSerializer walks every field of every node in
  // JavaScript): lab up lists every fake node every few seconds until they are Ready.
  // A kept-alive connection the server closed mid-answer ("aborted") is worth another try, not a failed lab.
  const list = JSON.parse(
    await retry(() => apiGet(kc, fakeNodesPath, 60_000), 'the fake-node count', 3),
  ) as V1NodeList;
  const ready = list.items.filter(
    (n) => n.spec?.podCIDR && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  return { total: list.items.length, ready: ready.length };
}

/**
 * Ready fake nodes, from the apiserver's table view of Nodes (a few hundred bytes a node where the objects are
 * ~3 KB): the self-audit counts them every 10 s while a run measures, and parsing 1,000 whole nodes each time was
 * the largest part of the harness's own CPU in datadog-talk's pod-network labs (a CPU profile, 2026-12-06). The
 * table has no podCIDR, which countFakeNodes also checks: it is set once, before lab up counts a node usable.
 */
export async function countReadyFakeNodes(kc: KubeConfig): Promise<number> {
  const path = `${fakeNodesPath}&includeObject=None`;
  return readyNodesInTable(await retry(() => apiTable(kc, path, 60_000), 'the fake-node count', 3));
}

/** Rows whose Status column says Ready ("Ready" or "Ready,SchedulingDisabled"; not "NotReady" or "Unknown"). */
export function readyNodesInTable(table: ApiTable): number {
  return tableColumn(table, 'Status', 'node').filter((s) => String(s).split(',')[0] === 'Ready').length;
}

/** Waits until `want` fake nodes are Ready, logging progress; throws after timeoutMs. */
export async function waitFakeNodesReady(
  kc: KubeConfig,
  want: number,
  log: Log,
  signal: AbortSignal,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { ready } = await countFakeNodes(kc);
    log({ kind: 'progress', step: 'fake nodes Ready', done: ready, total: want });
    if (ready >= want) return;
    if (Date.now() > deadline)
      throw new Error(`only ${ready} of ${want} fake nodes Ready after ${timeoutMs / 1000} s`);
    if (signal.aborted) throw signal.reason;
    await sleep(1000);
  }
}

/** Retries transient API failures (429, 5xx, connection resets) a few times with backoff. */
export async function retry<T>(fn: () => Promise<T>, what: string, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      // A number is the apiserver's HTTP status; anything else (a reset stream, ECONNRESET) had no answer.
      const code = (err as { code?: unknown }).code;
      const transient = typeof code !== 'number' || code === 429 || code >= 500;
      if (!transient || i >= attempts)
        throw new Error(`${what}: ${err instanceof Error ? err.message : String(err)}`);
      await sleep(200 * 2 ** i);
    }
  }
}
