/**
 * New connections through a Service VIP, each paired with one straight to a backend pod from the same VU:
 * the Service path's own cost, with the client's floor (the agent, the veth, the handshake) subtracted pair
 * by pair. TARGET (VIP:port) and DIRECT (pod IP:port) come from the environment. The two go in a random
 * order each iteration, so drift (a sync, a neighbour's burst, the loop warming) hits both sides alike. Only
 * the VIP's requests enter the k6 metrics, so they read as the plain `connect` profile's; each pair where
 * both succeeded leaves its difference of connect times (VIP − direct, ms) in the samples, and whether the
 * VIP chose the pod DIRECT names (1) or the other (0).
 */
import type { ProfileOptions, VirtualUser } from '../load-profile.ts';

export const options: ProfileOptions = {
  vus: 2,
  duration: '10s',
  thresholds: { http_req_failed: ['rate<0.01'], http_req_connecting: ['p(99)<100'] },
};

export default async function (vu: VirtualUser): Promise<void> {
  const vip = () => vu.get(`http://${vu.env.TARGET}/hostname`);
  const direct = () => vu.get(`http://${vu.env.DIRECT}/hostname`, { tracked: false });
  const vipFirst = Math.random() < 0.5;
  const first = await (vipFirst ? vip() : direct());
  const second = await (vipFirst ? direct() : vip());
  const [v, d] = vipFirst ? [first, second] : [second, first];
  if (v.failed || d.failed) return;
  vu.sample('vip_minus_direct_connecting', v.connecting - d.connecting);
  vu.sample('vip_reached_direct_pod', v.body.trim() === d.body.trim() ? 1 : 0);
}
