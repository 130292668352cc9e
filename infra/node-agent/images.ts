import { fileURLToPath } from 'node:url';
import { binPath } from '../build/build.ts';

/**
 * The images the node agent can run, and the lab program that stands behind each: the upstream program the
 * image itself ships, built for the lab from the same pinned source. Anything else is refused (ErrImagePull).
 */
interface ImageEntry {
  readonly repository: RegExp;
  /** The image's ENTRYPOINT, which a container's `command` may name. */
  readonly entrypoint: string;
  readonly program: string;
}

const images: readonly ImageEntry[] = [
  // scalelab's own agent (runners/traffic/agent.ts): probes and traffic, run with this checkout's Node and tsx.
  { repository: /^scalelab\.local\/agent:[\w.-]+$/, entrypoint: '/agent', program: 'scalelab-agent' },
  {
    repository: /^registry\.k8s\.io\/e2e-test-images\/agnhost:2\.\d+$/,
    entrypoint: '/agnhost',
    program: 'agnhost',
  },
  {
    repository: /^registry\.k8s\.io\/coredns\/coredns:v1\.\d+\.\d+$/,
    entrypoint: '/coredns',
    program: 'coredns',
  },
  // NodeLocal DNSCache: scalelab's node-cache (infra/node-cache/) starting upstream CoreDNS behind its setup.
  {
    repository: /^registry\.k8s\.io\/dns\/k8s-dns-node-cache:1\.\d+\.\d+$/,
    entrypoint: '/node-cache',
    program: 'scalelab-node-cache',
  },
];

/**
 * An image on a registry at a lab address (the lab's own, infra/lab/registry.ts: the agent image `lab up`
 * pushed) is pulled and run by runc (runc-container.ts); nothing is ever pulled from outside the lab.
 */
export const labRegistryImage = /^198\.1[89]\.\d{1,3}\.\d{1,3}(:\d+)?\/[a-z0-9._/-]+:[\w.-]+$/;

/** argv: a lab program's, or (pull) the container's command and args, which runc resolves against the image. */
export type ResolvedImage =
  { argv: string[]; pull?: { image: string; command: string[]; args: string[] } } | { refused: string };

/** The argv a container runs as: the image's program, the container's command (past the entrypoint) and args. */
export function resolveContainer(c: { image?: string; command?: string[]; args?: string[] }): ResolvedImage {
  const image = c.image ?? '';
  if (labRegistryImage.test(image))
    return {
      argv: [...(c.command ?? []), ...(c.args ?? [])],
      pull: { image, command: c.command ?? [], args: c.args ?? [] },
    };
  const entry = images.find((e) => e.repository.test(image));
  if (!entry) {
    return {
      refused: `image "${image}" cannot run on a scalelab real node; supported: ${images.map((e) => e.repository.source).join(', ')}`,
    };
  }
  const command = c.command ?? [];
  if (command.length && command[0] !== entry.entrypoint) {
    return {
      refused: `command "${command[0]}" is not in image "${image}" (its entrypoint is ${entry.entrypoint})`,
    };
  }
  return { argv: [...programArgv(entry.program), ...command.slice(1), ...(c.args ?? [])] };
}

function programArgv(program: string): string[] {
  if (program === 'scalelab-agent') {
    return [
      process.execPath,
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(new URL('../../runners/traffic/agent.ts', import.meta.url)),
    ];
  }
  if (program === 'scalelab-node-cache') {
    return [
      process.execPath,
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(new URL('../node-cache/main.ts', import.meta.url)),
    ];
  }
  return [binPath(program)];
}
