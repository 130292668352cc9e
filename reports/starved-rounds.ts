/**
 * The known cost of sharing a lab, said where it showed: variants side by side share the machine's cores, so a
 * round in which one node's dataplane agent (kube-proxy, cilium-agent) held half a core or more may have slowed
 * what the others measured in that round. Read from each variant's controlPlane CPU per phase.
 */
import type { RunResults } from '../runners/results/schema.ts';
import { measurementOf } from './figures.ts';
import { formatNumber } from './format.ts';

/** Half a core of 2, held by one agent through a round: enough to delay the other nodes' work. */
const heavyCores = 0.5;

interface AgentRound {
  readonly text: string;
  readonly cores: number;
}

/** Every side-by-side round's dataplane agent CPU, as "<round>: <agent> (<variant>) <cores> cores". */
function agentRounds(runs: readonly RunResults[]): AgentRound[] {
  const out: AgentRound[] = [];
  for (const run of runs)
    for (const v of run.variants) {
      if (!v.sideBySide) continue;
      const rounds = new Set(v.phases.filter((p) => p.round).map((p) => p.name));
      for (const p of measurementOf(v, 'controlPlane')?.details?.byPhase ?? []) {
        if (rounds.size && !rounds.has(p.phase)) continue;
        for (const [proc, cores] of Object.entries(p.cpuCores ?? {}))
          if (/^(kube-proxy|cilium-agent)-\d+$/.test(proc))
            out.push({ text: `${p.phase}: ${proc} (${v.id}) ${formatNumber(cores)} cores`, cores });
      }
    }
  return out;
}

export function starvedRounds(runs: readonly RunResults[]): string[] {
  return agentRounds(runs)
    .filter((r) => r.cores >= heavyCores)
    .map((r) => r.text);
}

/**
 * One sentence for the answer: the rounds in which an agent held half a core, or, where none did, the busiest
 * agent's round (its CPU includes its iptables-restore and nft children), so a reader sees it was looked for.
 */
export function starvedRoundsNote(runs: readonly RunResults[]): string | undefined {
  const found = starvedRounds(runs);
  if (!found.length) {
    const busiest = agentRounds(runs).sort((a, b) => b.cores - a.cores)[0];
    return busiest
      ? `No dataplane agent held ${heavyCores} of a core through any round side by side (the busiest, rule loads included: ${busiest.text}).`
      : undefined;
  }
  const shown = found.slice(0, 6).join('; ');
  return `A dataplane agent held ${heavyCores} of a core or more in ${found.length} round${found.length > 1 ? 's' : ''} (${shown}${found.length > 6 ? '; …' : ''}): the variants beside it shared the machine with it then.`;
}
