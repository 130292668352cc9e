/**
 * Adds one lab's component versions to the run manifest's. A run comparing Kubernetes versions brings up labs
 * whose kube-apiserver (and the rest) print different versions: both are kept, in the order the labs came up
 * ("Kubernetes v1.36.3; Kubernetes v1.37.2"), instead of the last lab overwriting the first.
 */
export function mergeVersions(into: Record<string, string>, lab: Readonly<Record<string, string>>): void {
  for (const [program, printed] of Object.entries(lab)) {
    const seen = into[program]?.split('; ') ?? [];
    if (!seen.includes(printed)) into[program] = [...seen, printed].join('; ');
  }
}
