/**
 * The shape every variant value has, whatever its axis (pod network, service proxy, DNS). An axis module
 * (`pod-network.ts`, `service-proxy.ts`, `dns.ts`) lists its values, named in `names.ts`; each value is one file
 * beside it, typed by its axis' `<axis>-value.ts`. The
 * scenario schema, `lab up`'s options and help, `plan`'s skip reasons and the lab's bring-up all read the
 * values from there, so adding a value is adding a file, its name and one line in its axis module (docs/adding-a-variant.md).
 */
import type { HostFacts } from '../lab/host-facts.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import type { StartedProcess } from '../lab/processes.ts';
import type { LabState } from '../lab/state.ts';
import type { RealNodeInfo } from '../lab/real-nodes.ts';

/** What every value on every axis says about itself. */
export interface VariantValue<Name extends string = string> {
  readonly name: Name;
  /** The value in `lab up --help`, e.g. `vxlan (flannel)`. */
  readonly help: string;
  /**
   * Why this host cannot run the value, as one sentence, or undefined when it can. `plan` lists the variant as
   * skipped with it, `lab up` refuses with it, and the report quotes it.
   */
  unsupported(host: HostFacts): string | undefined;
  /** What `lab up` suggests instead when it refuses the value, e.g. `use --dns coredns`. */
  readonly otherwise?: string;
  /**
   * For a value built only on demand: what is not built or installed yet, with the command that does it, or
   * undefined when all is there. `lab up` and `run` refuse with it before anything starts.
   */
  notBuilt?(): string | undefined;
}

/** A real node as a value acts on it: its namespace and fabric address, and the podCIDR kcm gave it. */
export type VariantNode = RealNodeInfo & { readonly podCidr: string };

/** Waits until check() holds; fails early with the log of a watched daemon that exits. */
export type Wait = (what: string, check: () => Promise<boolean>, timeoutMs?: number) => Promise<void>;

/** What the lab's bring-up (infra/lab/dataplane.ts) hands the dataplane: its state, clients and daemon hooks. */
export interface DataplaneHooks {
  readonly state: LabState;
  readonly kc: KubeConfig;
  readonly kubeconfigs: { admin: string; kubeProxy: string };
  /** Starts a daemon (inside netns, or the lab's namespace), records it in the lab state, watches it. */
  start(
    name: string,
    argv: string[],
    opts?: { netns?: string; netOnly?: boolean; env?: NodeJS.ProcessEnv },
  ): StartedProcess;
  /** Records a daemon started elsewhere (bird) in the lab state and watches it. */
  adopt(p: StartedProcess, kind: string): void;
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  readonly signal: AbortSignal;
  readonly watched: readonly StartedProcess[];
}

/**
 * What a value's bring-up may use: the lab's state, API client and kubeconfigs, daemons it starts (recorded in
 * the lab state, so `lab down` stops them), and waits that honour the lab's abort signal.
 */
export interface VariantContext extends DataplaneHooks {
  readonly wait: Wait;
}
