import { readFileSync } from 'node:fs';
import { kubernetesPin, pin, type GoModulePin } from '../versions.ts';

/** How one pinned Go module is turned into binaries, and how each binary proves it is the pinned version. */
export interface GoRecipe {
  readonly group: string;
  readonly pin: GoModulePin;
  /** `-X` stamps and other linker flags; upstream stamps versions at link time, so must we. */
  ldflags(moduleDir: string): string[];
  readonly tags?: readonly string[];
  /** Upstream builds these with cgo (flannel's udp backend is C and main.go imports it unconditionally). */
  readonly cgo?: boolean;
  /** Per program: argv after the binary that prints its version, and the text that output must contain. */
  readonly versionChecks: Readonly<Record<string, { args: readonly string[]; expect: string }>>;
  /** Files copied from the module's source into the cache's share/ dir (kwok's stage definitions). */
  readonly share?: readonly string[];
}

/** The recipe for one pinned Kubernetes version; its programs land in ~/.cache/scalelab/kubernetes-<version>. */
export function kubernetesRecipe(version?: string): GoRecipe {
  const kube = kubernetesPin(version);
  const check = { args: ['--version'], expect: `Kubernetes ${kube.version}` };
  return {
    group: 'kubernetes',
    pin: kube,
    ldflags: (dir) => [...kubeStamp(kube.version), `-X main.Version=${agnhostVersion(dir)}`],
    tags: ['selinux', 'notest', 'grpcnotrace'],
    versionChecks: {
      'kube-apiserver': check,
      'kube-controller-manager': check,
      'kube-scheduler': check,
      'kube-proxy': check,
      kubectl: { args: ['version', '--client'], expect: `Client Version: ${kube.version}` },
      agnhost: { args: ['--version'], expect: 'app version 2.' },
    },
  };
}

function kubeStamp(version: string): string[] {
  const [major, minor] = version.replace(/^v/, '').split('.');
  // hack/lib/version.sh stamps these; without them binaries report v0.0.0-master+$Format:%H$.
  const flags: string[] = [];
  for (const p of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${p}.gitVersion=${version}`,
      `-X ${p}.gitMajor=${major}`,
      `-X ${p}.gitMinor=${minor}`,
      `-X ${p}.gitTreeState=clean`,
      `-X ${p}.buildDate=1970-01-01T00:00:00Z`,
    );
  }
  return flags;
}

const plain = (v: string) => v.replace(/^v/, '');

export const recipes: readonly GoRecipe[] = [
  // The default version only: other pinned versions are built on request (`build --kubernetes`).
  kubernetesRecipe(),
  {
    group: 'etcd',
    pin: pin('etcd'),
    ldflags: () => [],
    versionChecks: { etcd: { args: ['--version'], expect: `etcd Version: ${plain(pin('etcd').version)}` } },
  },
  {
    group: 'kwok',
    pin: pin('kwok'),
    ldflags: () => [],
    versionChecks: { kwok: { args: ['--version'], expect: plain(pin('kwok').version) } },
    share: [
      'kustomize/stage/node/fast/node-initialize.yaml',
      'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
      'kustomize/stage/pod/fast/pod-ready.yaml',
      'kustomize/stage/pod/fast/pod-complete.yaml',
      'kustomize/stage/pod/fast/pod-delete.yaml',
    ],
  },
  {
    group: 'coredns',
    pin: pin('coredns'),
    ldflags: () => [],
    versionChecks: { coredns: { args: ['-version'], expect: `CoreDNS-${plain(pin('coredns').version)}` } },
  },
  {
    group: 'flannel',
    pin: pin('flannel'),
    ldflags: () => [`-X github.com/flannel-io/flannel/pkg/version.Version=${pin('flannel').version}`],
    cgo: true,
    versionChecks: { flannel: { args: ['--version'], expect: pin('flannel').version } },
  },
  {
    group: 'vegeta',
    pin: pin('vegeta'),

    ldflags: () => [`-X main.Version=${pin('vegeta').version}`],
    versionChecks: { vegeta: { args: ['-version'], expect: `Version: ${pin('vegeta').version}` } },
  },
];

/**
 * Built on request only (`scalelab build --only cilium`, or a lab that runs it): cilium-agent is ~2,100
 * packages, too much for every cold `npm test`/`npm run bench`. Not in `recipes`, so a default build skips it.
 */
export const ciliumRecipe: GoRecipe = {
  group: 'cilium',
  pin: pin('cilium'),
  // Upstream's Makefile.defs: the version string and the osusergo tag; without the stamp it reports "".
  ldflags: () => [`-X github.com/cilium/cilium/pkg/version.ciliumVersion=${plain(pin('cilium').version)}`],
  tags: ['osusergo'],
  versionChecks: {
    'cilium-agent': { args: ['--version'], expect: `cilium-agent ${plain(pin('cilium').version)}` },
  },
};

/** The churn driver's peer: only `npm run bench:peer` runs it (`scalelab build kube-burner`). */
export const kubeBurnerRecipe: GoRecipe = {
  group: 'kube-burner',
  pin: pin('kube-burner'),
  ldflags: () => [`-X github.com/cloud-bulldozer/go-commons/version.Version=${pin('kube-burner').version}`],
  versionChecks: { 'kube-burner': { args: ['version'], expect: `Version: ${pin('kube-burner').version}` } },
};

/** Groups `build --only` also accepts, never built by default. */
export const onDemandRecipes: readonly GoRecipe[] = [ciliumRecipe, kubeBurnerRecipe];

/** agnhost versions itself (test/images/agnhost/VERSION), separately from Kubernetes; read at build time. */
function agnhostVersion(moduleDir: string): string {
  return readFileSync(`${moduleDir}/test/images/agnhost/VERSION`, 'utf8').trim();
}
