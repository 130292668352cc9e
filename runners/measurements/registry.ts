import type { MeasurementSpec, MeasurementName } from '../../scenarios/schema.ts';
import type { Measurement, MeasurementContext } from './measurement.ts';
import { apiOnlyReason } from '../cluster/target.ts';
import { createNetworkProgrammingLatency } from './network-programming-latency.ts';
import { createRuleSync } from './rule-sync.ts';
import { createControlPlane } from './control-plane.ts';
import { createConnectionLatency } from './connection-latency.ts';
import { createDns } from './dns.ts';
import { createConntrackOccupancy } from './conntrack-occupancy.ts';

/** Every measurement a scenario can name; its parameters are validated with the scenario (scenarios/schema.ts). */
export function createMeasurement(spec: MeasurementSpec, ctx: MeasurementContext): Measurement {
  switch (spec.name) {
    case 'networkProgrammingLatency':
      return createNetworkProgrammingLatency(ctx, spec);
    case 'ruleSync':
      return ctx.state
        ? createRuleSync({ ...ctx, state: ctx.state })
        : skippedMeasurement(
            'ruleSync',
            apiOnlyReason('rule sync (iptables-save, nft, a scratch namespace)'),
          );
    case 'controlPlane':
      return createControlPlane(ctx);
    case 'connectionLatency':
      return createConnectionLatency(ctx, spec);
    case 'dns':
      return createDns(ctx, spec);
    case 'conntrackOccupancy':
      return ctx.state
        ? createConntrackOccupancy({ ...ctx, state: ctx.state }, spec)
        : skippedMeasurement('conntrackOccupancy', apiOnlyReason("counting each node's conntrack table"));
  }
}

/** A measurement this target cannot take: no figures, the reason in the results. */
function skippedMeasurement(name: MeasurementName, reason: string): Measurement {
  return {
    start: async () => {},
    stop: async () => {},
    collect: () => ({
      name,
      definition: '',
      source: '',
      units: '',
      summary: {},
      skipped: [reason],
      errors: [],
    }),
  };
}
