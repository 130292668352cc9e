/**
 * `scalelab image build`: bundle (bundle.ts) → single executable (sea.ts) → staged tree (rootfs.ts) →
 * `buildah bud` with the repo's Containerfile → an OCI layout directory `<out>` holding the image as `<tag>`.
 * buildah runs on a private, throwaway store (vfs driver, under a temporary directory), so nothing is left in
 * the machine's container storage. The layout's `scalelab-image.json` says what is in it (image.ts reads it).
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from '../exec.ts';
import { timedStep, type Log } from '../../runners/events.ts';
import { bundleAgent } from './bundle.ts';
import { singleExecutable } from './sea.ts';
import { stageRootfs } from './rootfs.ts';
import { imageFacts, readImageFacts, writeImageFacts, type ImageFacts } from './image-facts.ts';
import { cacheRoot } from '../paths.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** scalelab's version (package.json): the agent image's default tag. */
export function scalelabVersion(): string {
  return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

async function gitValue(args: string[]): Promise<string> {
  const r = await exec(['git', '-C', repoRoot, ...args], { allowFailure: true });
  return r.exitCode === 0 && r.stdout.trim() ? r.stdout.trim() : 'unknown';
}

export interface BuildOptions {
  readonly tag: string;
  readonly out: string;
  /** Stop after staging the tree into this directory (for building the Containerfile with other tools). */
  readonly stageOnly?: boolean;
}

/** Builds the image (or, with stageOnly, only the tree: then undefined). */
export async function buildAgentImage(o: BuildOptions, log: Log): Promise<ImageFacts | undefined> {
  const work = mkdtempSync(join(tmpdir(), 'scalelab-image-'));
  try {
    const { value: bundle } = await timedStep(log, 'bundle the agent (esbuild)', () => bundleAgent());
    const { value: agent } = await timedStep(
      log,
      'single executable (node --experimental-sea-config, postject)',
      () => singleExecutable(bundle.code, work),
    );
    const tree = o.stageOnly ? o.out : join(work, 'rootfs');
    await timedStep(log, `stage the tree (${tree})`, () => stageRootfs(tree, agent));
    if (o.stageOnly) return undefined;
    const store = ['--root', join(work, 'store'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs'];
    const local = `localhost/scalelab/agent:${o.tag}`;
    const args = {
      VERSION: scalelabVersion(),
      REVISION: await gitValue(['rev-parse', 'HEAD']),
      SOURCE: await gitValue(['config', 'remote.origin.url']),
    };
    await timedStep(log, 'buildah bud (Containerfile, FROM scratch)', () =>
      exec([
        'buildah',
        ...store,
        'bud',
        '--isolation',
        'chroot',
        '--format',
        'oci',
        ...Object.entries(args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
        '--label',
        `io.scalelab.agent.bundle-sha256=${bundle.sha256}`,
        '-f',
        join(repoRoot, 'Containerfile'),
        '-t',
        local,
        tree,
      ]),
    );
    // Written beside and renamed into place: a lab reading the layout never sees half of one.
    const partial = `${o.out}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    await timedStep(log, `write the OCI layout (${o.out}:${o.tag})`, () =>
      exec(['buildah', ...store, 'push', local, `oci:${partial}:${o.tag}`]),
    );
    const facts = imageFacts(partial, o.tag, bundle.sha256);
    writeImageFacts(partial, facts);
    // A layout of the same agent and tag stays where it is: a lab may be pushing from it right now (labs
    // brought up side by side each ensure the image), and removing it under that push would fail the push.
    const have = readImageFacts(o.out);
    const same =
      have?.bundleSha256 === bundle.sha256 &&
      have.tag === o.tag &&
      JSON.stringify(have.labels) === JSON.stringify(facts.labels);
    if (same) {
      rmSync(partial, { recursive: true, force: true });
      return have;
    }
    rmSync(o.out, { recursive: true, force: true });
    mkdirSync(dirname(o.out), { recursive: true });
    try {
      renameSync(partial, o.out);
    } catch (err) {
      // Another build (a second `lab up`) renamed its layout in first: keep it if it is the same agent.
      rmSync(partial, { recursive: true, force: true });
      if (readImageFacts(o.out)?.bundleSha256 !== bundle.sha256) throw err;
    }
    return facts;
  } finally {
    // buildah's vfs store may hold files owned by the image's user: remove as root, whatever happened.
    rmSync(work, { recursive: true, force: true });
  }
}

/** Where `image build` writes by default, and where `lab up` takes the image from. */
export const defaultLayout = join(cacheRoot, 'image');

/**
 * The layout at defaultLayout, rebuilt first when it is missing or holds another agent than this checkout's
 * (its bundle's sha256 differs): what `lab up` pushes to the lab's registry.
 */
export async function ensureAgentImage(log: Log): Promise<ImageFacts> {
  const tag = scalelabVersion();
  const have = readImageFacts(defaultLayout);
  if (have?.tag === tag && have.bundleSha256 === (await bundleAgent()).sha256) return have;
  return (await buildAgentImage({ tag, out: defaultLayout }, log))!;
}
