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
];

export type ResolvedImage = { argv: string[] } | { refused: string };

/** The argv a container runs as: the image's program, the container's command (past the entrypoint) and args. */
export function resolveContainer(c: { image?: string; command?: string[]; args?: string[] }): ResolvedImage {
  const image = c.image ?? '';
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
  return [binPath(program)];
}
