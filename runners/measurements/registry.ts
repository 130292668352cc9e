import type { MeasurementSpec } from '../../scenarios/schema.ts';
import type { Measurement, MeasurementContext } from './measurement.ts';
import { createNetworkProgrammingLatency } from './network-programming-latency.ts';
import { createRuleSync } from './rule-sync.ts';
import { createControlPlane } from './control-plane.ts';
import { createConnectionLatency } from './connection-latency.ts';
import { createDns } from './dns.ts';

/** Every measurement a scenario can name; its parameters are validated with the scenario (scenarios/schema.ts). */
export function createMeasurement(spec: MeasurementSpec, ctx: MeasurementContext): Measurement {
  switch (spec.name) {
    case 'networkProgrammingLatency':
      return createNetworkProgrammingLatency(ctx, spec);
    case 'ruleSync':
      return createRuleSync(ctx);
    case 'controlPlane':
      return createControlPlane(ctx);
    case 'connectionLatency':
      return createConnectionLatency(ctx, spec);
    case 'dns':
      return createDns(ctx, spec);
  }
}
