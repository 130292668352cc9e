/** The networkProgrammingLatency measurement's details: every probe's times, and kube-proxy's own by node. */
import { number, optional, type Infer } from '../../../scenarios/schema-kit.ts';
import { list, nullable, openObject, record } from '../../../scenarios/schema-kit-results.ts';

const times = list(number({ min: 0, unit: 'ms' }));
/** A cilium lookup that never saw the change is null. */
const mapTimes = optional(list(nullable(number({ min: 0, unit: 'ms' }))));

export const networkProgrammingDetails = openObject({
  additionsMs: times,
  removalsMs: times,
  serviceMapAdditionsMs: mapTimes,
  serviceMapRemovalsMs: mapTimes,
  serviceMapLookupP50Ms: optional(nullable(number({ min: 0 }))),
  readyTruncationMs: optional(times),
  probeWindowByNode: optional(
    record(openObject({ samples: number({ min: 0 }), meanMs: nullable(number({ min: 0 })) })),
  ),
});

export type NetworkProgrammingDetails = Infer<typeof networkProgrammingDetails>;
