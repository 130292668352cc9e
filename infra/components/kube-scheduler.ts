export interface SchedulerConfig {
  readonly kubeconfig: string;
  readonly configPath: string;
  readonly apiQps: number;
  readonly apiBurst: number;
}

export function schedulerArgs(c: SchedulerConfig): string[] {
  return [
    `--config=${c.configPath}`,
    `--authentication-kubeconfig=${c.kubeconfig}`,
    `--authorization-kubeconfig=${c.kubeconfig}`,
    '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
    '--bind-address=127.0.0.1',
    '--v=1',
  ];
}

/** The scheduler takes its client limits only from its config file. */
export function schedulerConfigFile(c: SchedulerConfig): string {
  return [
    'apiVersion: kubescheduler.config.k8s.io/v1',
    'kind: KubeSchedulerConfiguration',
    'clientConnection:',
    `  kubeconfig: ${c.kubeconfig}`,
    `  qps: ${c.apiQps}`,
    `  burst: ${c.apiBurst}`,
    'leaderElection:',
    '  leaderElect: false',
    '',
  ].join('\n');
}
