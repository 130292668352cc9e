/** The controlPlane measurement's details: each process's CPU and memory, over the run and as phases ended. */
import { number, optional, string, type Infer } from '../../../scenarios/schema-kit.ts';
import { anyJson, list, nullable, openObject, record } from '../../../scenarios/schema-kit-results.ts';

const usage = openObject({
  cpuSeconds: number({ min: 0 }),
  cpuCores: number({ min: 0 }),
  peakRssMiB: number({ min: 0 }),
});

export const controlPlaneDetails = openObject({
  /** By process name (kube-apiserver, etcd, kube-proxy-1, harness, …) over the measurement's window. */
  components: record(usage),
  wallSeconds: number({ min: 0 }),
  /** Each process's resident memory as a phase ended, by process name. */
  byPhase: list(
    openObject({
      phase: string(),
      rssMiB: record(nullable(number({ min: 0 }))),
      /** CPU over the phase, in cores (absent in files from before 2026-12-06). */
      cpuCores: optional(record(number({ min: 0 }))),
    }),
  ),
  upToStart: optional(anyJson('the same, from the lab up to the measurement start')),
});

export type ControlPlaneDetails = Infer<typeof controlPlaneDetails>;
export type ComponentUsage = Infer<typeof usage>;
