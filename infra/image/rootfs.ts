/**
 * The agent image's file tree, staged in a directory that the Containerfile copies onto `scratch`: the agent
 * (a Node single executable), the programs its commands run (dnsperf from Debian, vegeta from the pinned
 * build), the shared libraries all of them link (as `ldd` lists them, at the paths the dynamic loader looks
 * in), a writable /tmp (dnsperf's query file) and a passwd naming the non-root user.
 */
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exec } from '../exec.ts';
import { binPath } from '../build/build.ts';

/** The image's user: the numeric uid distroless images use for "nonroot". */
export const imageUser = 65532;

/** Programs the agent's commands spawn, by their path in the image (image-bins.ts, commands/dnsperf.ts). */
export function imagePrograms(): Record<string, string> {
  return { '/usr/bin/dnsperf': '/usr/bin/dnsperf', '/usr/bin/vegeta': binPath('vegeta') };
}

/** The shared objects `ldd` resolves for `file`, the loader included; [] for a static executable. */
export async function sharedLibraries(file: string): Promise<string[]> {
  const r = await exec(['ldd', file], { allowFailure: true });
  if (r.exitCode !== 0) {
    if (/not a dynamic executable/.test(r.stdout + r.stderr)) return [];
    throw new Error(`ldd ${file}: ${r.stderr.trim()}`);
  }
  const libs: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (/not found/.test(line)) throw new Error(`ldd ${file}: ${line.trim()}`);
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

/** Stages the tree under `dir` (which must be empty) around the executable `agent`. */
export async function stageRootfs(dir: string, agent: string): Promise<void> {
  const files = new Map<string, string>([['/agent', agent], ...Object.entries(imagePrograms())]);
  for (const source of [...files.values()])
    for (const lib of await sharedLibraries(source)) files.set(lib, lib);
  for (const [target, source] of files) {
    const to = join(dir, target);
    mkdirSync(dirname(to), { recursive: true });
    // copyFileSync follows symlinks: the loader finds each library under the name ldd gave.
    copyFileSync(source, to);
    chmodSync(to, 0o755);
  }
  mkdirSync(join(dir, 'tmp'));
  chmodSync(join(dir, 'tmp'), 0o1777);
  mkdirSync(join(dir, 'etc'));
  writeFileSync(
    join(dir, 'etc/passwd'),
    `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${imageUser}:${imageUser}:nonroot:/tmp:/sbin/nologin\n`,
  );
  writeFileSync(join(dir, 'etc/group'), `root:x:0:\nnonroot:x:${imageUser}:\n`);
}
