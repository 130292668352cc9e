import { exec } from '../exec.ts';
import { servicesMapPath } from './agent-api.ts';

const IPPROTO_TCP = 6;
const IPPROTO_ANY = 0;

/**
 * The key of a Service frontend in cilium_lb4_services_v2 (bpf/lib/lb.h, struct lb4_key): the VIP and port in
 * network order, backend slot 0 (the frontend), the protocol, scope 0 (external), two bytes of padding.
 */
export function frontendKey(vip: string, port: number, proto: number): string[] {
  const bytes = [...vip.split('.').map(Number), port >> 8, port & 0xff, 0, 0, proto, 0, 0, 0];
  return bytes.map((b) => b.toString(16).padStart(2, '0'));
}

/** struct lb4_service: a u32 union, then `count`, the frontend's number of backend slots (host order, LE here). */
export function backendCountOf(lookupJson: string): number {
  const r = JSON.parse(lookupJson) as { value?: string[]; formatted?: { value?: { count?: number } } };
  if (typeof r.formatted?.value?.count === 'number') return r.formatted.value.count;
  if (!Array.isArray(r.value) || r.value.length < 6) throw new Error('bpftool map lookup: no value bytes');
  return Number.parseInt(r.value[4]!, 16) + 256 * Number.parseInt(r.value[5]!, 16);
}

/**
 * How many backends the node's datapath has for vip:port right now (0 when it has no frontend for it), by one
 * map lookup in the node's own bpffs: cheap at any map size, unlike a dump. The agent keys TCP frontends by
 * protocol where it tells protocols apart, and by IPPROTO_ANY where it does not: both are tried, and the one
 * found is remembered for the next lookup of the same frontend.
 */
export async function frontendBackends(bpfRoot: string, vip: string, port: number): Promise<number> {
  const id = `${bpfRoot} ${vip}:${port}`;
  const protos = foundProto.has(id) ? [foundProto.get(id)!] : [IPPROTO_TCP, IPPROTO_ANY];
  for (const proto of protos) {
    const r = await exec(
      [
        'bpftool',
        '-j',
        'map',
        'lookup',
        'pinned',
        servicesMapPath(bpfRoot),
        'key',
        'hex',
        ...frontendKey(vip, port, proto),
      ],
      { allowFailure: true },
    );
    if (r.exitCode === 0) {
      foundProto.set(id, proto);
      return backendCountOf(r.stdout);
    }
  }
  return 0;
}

const foundProto = new Map<string, number>();
