import { labHttpGet } from '../../infra/lab/lab-connect.ts';
import type { LabState } from '../../infra/lab/state.ts';
import type { RealNodeInfo } from '../../infra/lab/real-nodes.ts';
import { parsePrometheusText, type Sample } from './prometheus.ts';

/** One scrape of kube-proxy's /metrics on a real node, through the lab gateway (198.18.1.N:10249). */
export async function scrapeKubeProxy(state: LabState, node: RealNodeInfo): Promise<Sample[]> {
  return parsePrometheusText(
    await labHttpGet(state.gatewaySocket, `http://${node.ip}:10249/metrics`, 15_000),
  );
}
