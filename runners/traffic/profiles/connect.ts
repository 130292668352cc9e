/**
 * New connections through a Service VIP, as fast as each VU can: the connection-latency profile.
 * TARGET (host:port) comes from the environment.
 */
import type { ProfileOptions, VirtualUser } from '../load-profile.ts';

export const options: ProfileOptions = {
  vus: 2,
  duration: '10s',
  thresholds: { http_req_failed: ['rate<0.01'], http_req_connecting: ['p(99)<100'] },
};

export default async function (vu: VirtualUser): Promise<void> {
  await vu.get(`http://${vu.env.TARGET}/hostname`);
}
