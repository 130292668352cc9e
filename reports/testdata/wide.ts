/**
 * A page that must not scroll sideways (issue 19): the shipped quick run's six variants twice over (the
 * second set at another Kubernetes version, as upgrade-check makes them), one failed with a 60-line flannel
 * panic as its error, one invalid with a long reason, and long unbroken strings where ids and paths go.
 */
import type { RunResults, VariantResult } from '../../runners/results/schema.ts';
import { exampleResults } from './synthetic.ts';

/** A Go panic shaped as flannel prints one: long lines, long paths, no spaces to break at. */
export function flannelPanic(lines = 60): string {
  const head = [
    'I1205 14:02:11.123456   41234 main.go:212] Created subnet manager: Kubernetes Subnet Manager - real-node-2',
    'panic: runtime error: invalid memory address or nil pointer dereference',
    '[signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x1c9a6f4]',
    '',
    'goroutine 1 [running]:',
  ];
  const frames: string[] = [];
  for (let i = 0; frames.length < lines - head.length; i++)
    frames.push(
      `github.com/flannel-io/flannel/pkg/backend/vxlan.(*VXLANBackend).RegisterNetwork(0xc0004a6${String(i).padStart(3, '0')}, {0x2d6f1a8, 0xc000118000}, 0xc00041e0a0, 0xc0004f2c30)`,
      `\t/root/.cache/scalelab/build/flannel-v0.28.4/pkg/mod/github.com/flannel-io/flannel@v0.28.4/pkg/backend/vxlan/vxlan.go:${180 + i} +0x${(0x3a4 + i).toString(16)}`,
    );
  return [...head, ...frames].slice(0, lines).join('\n');
}

export function wideResults(): RunResults {
  const r = exampleResults();
  const other = r.variants.map((v): VariantResult => ({
    ...structuredClone(v),
    id: `v1.37.2/${v.id}`,
    variant: { ...v.variant, kubernetesVersion: 'v1.37.2' },
  }));
  const variants = [...r.variants, ...other];
  const failed = variants.find((v) => v.id === 'vxlan.nftables.coredns')!;
  failed.status = 'failed';
  (failed.errors as string[]).push(
    `lab up "run": pod network: flannel on real-node-2 exited (code 2); the last lines of /run/scalelab/run/logs/flannel-real-node-2.log:\n${flannelPanic()}`,
  );
  failed.artifacts = 'quick-2026-11-25T14-35-39-915Z-artifacts/vxlan.nftables.coredns';
  const invalid = variants.find((v) => v.id === 'v1.37.2/bgp.nftables.coredns')!;
  invalid.status = 'invalid';
  invalid.validity = {
    valid: false,
    reasons: [
      `the harness itself used 0.97 cores on average; ${'/run/scalelab/run/nodes/real-node-1/pods/0123456789abcdef0123456789abcdef/'.repeat(3)}`,
    ],
  };
  (r as { variants: VariantResult[] }).variants = variants;
  return r;
}
