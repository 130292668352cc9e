/** The conntrackOccupancy measurement's details: each node's table counted over time, and per phase. */
import { number, string, type Infer } from '../../../scenarios/schema-kit.ts';
import { list, nullable, openObject, record } from '../../../scenarios/schema-kit-results.ts';

export const conntrackOccupancyDetails = openObject({
  intervalSeconds: number({ min: 0 }),
  /** The most entries each node's table held during the phase, by node. */
  phases: list(openObject({ phase: string(), maxEntries: record(nullable(number({ min: 0 }))) })),
  nodes: list(
    openObject({ node: string(), atS: list(number({ min: 0 })), entries: list(number({ min: 0 })) }),
  ),
});

export type ConntrackOccupancyDetails = Infer<typeof conntrackOccupancyDetails>;
