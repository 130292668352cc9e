import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { output } from '../exec.ts';
import { pin } from '../versions.ts';
import { ciliumLabDir } from './paths.ts';

/**
 * The pinned module's source tree, from the module cache (the build put it there; `go mod download` fetches it
 * again if the cache was cleaned). The agent needs its bpf/ (datapath C sources) and the CRDs from it.
 */
export async function ciliumModuleDir(): Promise<string> {
  const { module, version } = pin('cilium');
  const info = JSON.parse(await output(['go', 'mod', 'download', '-json', `${module}@${version}`]));
  if (info.Error || !info.Dir)
    throw new Error(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir'}`);
  return info.Dir as string;
}

/**
 * <libDir>/bpf: a writable copy of the datapath sources (the module cache is read-only, and the agent writes
 * its probed feature headers into bpf/include/bpf at start).
 */
export function prepareLibDir(moduleDir: string, libDir: string): void {
  const dest = join(libDir, 'bpf');
  if (existsSync(dest)) return;
  mkdirSync(libDir, { recursive: true });
  cpSync(join(moduleDir, 'bpf'), dest, { recursive: true });
  makeWritable(dest);
}

function makeWritable(p: string): void {
  const st = statSync(p);
  chmodSync(p, st.mode | 0o200);
  if (st.isDirectory()) for (const e of readdirSync(p)) makeWritable(join(p, e));
}

/**
 * What a cilium node needs from Debian besides the agent (debianOptional.cilium in infra/versions.json):
 * clang-19 and llc-19, with which the agent compiles its datapath, and bpftool, with which scalelab reads
 * the service map.
 */
export const ciliumHostTools = ['/usr/bin/clang-19', '/usr/bin/llc-19', '/usr/sbin/bpftool'] as const;

/**
 * A directory first on the agent's PATH where `clang` is Debian's clang-19: the agent runs `clang` by that
 * name (pkg/datapath/loader/compile.go) and needs LLVM ≥ 18.1, while Debian's default clang/llc, when
 * present, are older (llc 14 here). llc is linked too, for any tool that still asks for it.
 */
export function toolsDir(lab: string): string {
  const dir = join(ciliumLabDir(lab), 'tools');
  mkdirSync(dir, { recursive: true });
  for (const [name, target] of [
    ['clang', '/usr/bin/clang-19'],
    ['llc', '/usr/bin/llc-19'],
  ] as const) {
    if (!existsSync(target))
      throw new Error(
        `${target} is missing: cilium-agent compiles its datapath with it (npx scalelab build cilium installs it)`,
      );
    if (!existsSync(join(dir, name))) symlinkSync(target, join(dir, name));
  }
  return dir;
}
