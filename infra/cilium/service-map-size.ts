/**
 * --bpf-lb-map-max for a lab that will hold `maxServices` Services. Cilium's service map has a fixed size
 * (65,536 entries by default) and holds per Service port two frontends and a slot per backend (7 entries a
 * Service at 5 endpoints in cost-growth, docs/benchmarks.md); past it, new Services are silently not programmed.
 * 16 entries a Service leaves room for up to 14 backends, rounded up to a power of two; never below the default.
 */
export const defaultServiceMapEntries = 65_536;
const entriesPerService = 16;

export function serviceMapSize(maxServices: number | undefined): number | undefined {
  if (maxServices === undefined) return undefined;
  const wanted = maxServices * entriesPerService;
  if (wanted <= defaultServiceMapEntries) return undefined;
  return 2 ** Math.ceil(Math.log2(wanted));
}
