import { readFileSync } from 'node:fs';

/** The annotation that hands a Node to kwok; real nodes never carry it. */
export const kwokNodeAnnotation = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;

export interface KwokConfig {
  readonly kubeconfig: string;
  readonly configPath: string;
  /** Metrics and health on this address inside the lab namespace. */
  readonly serverAddress: string;
  /**
   * Each fake node renews its Lease every duration/4. At 40 s, 5,000 nodes would write 500 Leases/s, which on
   * 2 cores starves everything measured; upstream scale setups stretch it the same way.
   */
  readonly nodeLeaseDurationSeconds: number;
  /** Workers per stage kind; the default 4 leaves kwok the bottleneck when thousands of objects arrive at once. */
  readonly parallelism: number;
}

export function kwokArgs(c: KwokConfig): string[] {
  return [
    `--kubeconfig=${c.kubeconfig}`,
    `--config=${c.configPath}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${kwokNodeAnnotation.key}=${kwokNodeAnnotation.value}`,
    '--manage-nodes-with-label-selector=',
    `--server-address=${c.serverAddress}`,
    `--node-lease-duration-seconds=${c.nodeLeaseDurationSeconds}`,
  ];
}

/**
 * KwokConfiguration plus the Stage documents: the bare kwok binary has no built-in stages (kwokctl injects
 * them), so the upstream fast node/pod stages, copied out of the pinned module at build time, go in here.
 */
export function kwokConfigFile(c: KwokConfig, stageFiles: readonly string[]): string {
  const options = [
    'apiVersion: config.kwok.x-k8s.io/v1alpha1',
    'kind: KwokConfiguration',
    'options:',
    `  nodeLeaseDurationSeconds: ${c.nodeLeaseDurationSeconds}`,
    `  nodePlayStageParallelism: ${c.parallelism}`,
    `  podPlayStageParallelism: ${c.parallelism}`,
    `  nodeLeaseParallelism: ${c.parallelism}`,
    `  podsOnNodeSyncParallelism: ${c.parallelism}`,
    '  enablePodsOnNodeSyncListPager: true',
    '  enablePodsOnNodeSyncStreamWatch: false',
  ].join('\n');
  return [options, ...stageFiles.map((f) => readFileSync(f, 'utf8').trim())].join('\n---\n') + '\n';
}
