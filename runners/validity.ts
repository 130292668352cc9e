import { harnessBudgetCores } from './harness-budget.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import { countReadyFakeNodes } from '../infra/lab/fake-nodes.ts';
import { sleep } from '../infra/lab/processes.ts';

/**
 * Watches the lab while a variant runs and says why its figures cannot be trusted, if they cannot: the harness
 * saturating its own CPU, fake nodes falling NotReady (heartbeats behind), the wall clock stepping.
 * A variant with reasons is *invalid*: not passed, not regressed.
 */
export class ValidityMonitor {
  private readonly reasons = new Set<string>();
  private stopped = false;
  private loop?: Promise<void>;
  private readonly kc: KubeConfig;
  private readonly fakeNodes: number;
  private cpu0 = 0;
  private wall0 = 0;

  constructor(kc: KubeConfig, fakeNodes: number) {
    this.kc = kc;
    this.fakeNodes = fakeNodes;
  }

  start(): void {
    this.cpu0 = cpuSeconds();
    this.wall0 = performance.now();
    this.loop = (async () => {
      let lastWall = Date.now();
      let lastMono = performance.now();
      // Counting Ready nodes lists them all (a table row each): every 10 s up to 1,000 nodes, then less often, so
      // that at 5,000 nodes the check is not itself a load on the apiserver and the harness (every 50 s). kwok
      // renews a node's lease every 40 s: a node falling behind is still seen.
      const everyMs = Math.max(10_000, this.fakeNodes * 10);
      while (!this.stopped) {
        await sleep(everyMs);
        const stepMs = Date.now() - lastWall - (performance.now() - lastMono);
        if (Math.abs(stepMs) > 500) this.reasons.add(`the wall clock stepped by ${Math.round(stepMs)} ms`);
        lastWall = Date.now();
        lastMono = performance.now();
        if (this.fakeNodes > 0) {
          const c = await this.countNodes();
          if ('error' in c) this.reasons.add(`the apiserver did not answer a node count: ${c.error}`);
          else if (c.ready < this.fakeNodes)
            this.reasons.add(
              `fake nodes fell behind: ${c.ready} of ${this.fakeNodes} Ready at one sample (heartbeats or leases late)`,
            );
        }
      }
    })();
  }

  /**
   * One list of the fake nodes, tried twice 5 s apart: a single refused or dropped connection on a machine
   * whose cores the dataplane holds is not an apiserver that stopped answering; two in a row are.
   */
  private async countNodes(): Promise<{ ready: number } | { error: string }> {
    const errors: string[] = [];
    for (let attempt = 0; attempt < 2 && !this.stopped; attempt++) {
      if (attempt > 0) await sleep(5000);
      try {
        return { ready: await countReadyFakeNodes(this.kc) };
      } catch (e) {
        const text = e instanceof Error ? e.message : String(e);
        errors.push(`${new Date().toISOString().slice(11, 19)} ${text.split('\n')[0]!.slice(0, 200)}`);
      }
    }
    return errors.length ? { error: errors.join('; ') } : { ready: this.fakeNodes };
  }

  /** Adds a reason found elsewhere (a measurement's failed scrape). */
  add(reason: string): void {
    this.reasons.add(reason);
  }

  async stop(): Promise<Validity> {
    this.stopped = true;
    await this.loop;
    const cores = (cpuSeconds() - this.cpu0) / ((performance.now() - this.wall0) / 1000);
    // The harness shares the 2 cores with what it measures; past most of one core it is the bottleneck.
    if (cores > 0.8) this.reasons.add(`the harness itself used ${cores.toFixed(2)} cores on average`);
    const harnessCores = Math.round(cores * 1000) / 1000;
    // The design allows the harness 5 % of a core: above that it is valid, but a reader must know how much
    // of the machine it took from what it measured.
    const notes =
      harnessCores > harnessBudgetCores
        ? [
            `the harness used ${harnessCores} of a core, above the ${harnessBudgetCores} the design allows: it shared the machine with what it measured`,
          ]
        : [];
    return { valid: this.reasons.size === 0, reasons: [...this.reasons], harnessCores, notes };
  }
}

export interface Validity {
  readonly valid: boolean;
  readonly reasons: string[];
  /** The harness's own CPU over the variant, in cores. */
  readonly harnessCores?: number;
  /** What a reader should know that does not make the figures untrustworthy. */
  readonly notes?: string[];
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
