import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { cpus, release, totalmem } from 'node:os';

/** What this kernel can do, for variants that need more than the lab's basics. */
export interface HostFacts {
  readonly kernel: string;
  /** undefined when IPVS is there; otherwise why not, naming the kernel option. */
  readonly ipvsMissing?: string;
  /** undefined when an eBPF service proxy can run (a bpf filesystem, a cgroup2 hierarchy); otherwise why not. */
  readonly ebpfMissing?: string;
}

export function hostFacts(): HostFacts {
  return { kernel: release(), ipvsMissing: ipvsMissing(), ebpfMissing: ebpfMissing() };
}

/** The machine a result was measured on, as every results file and benchmark records it. */
export function machineFacts() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
  };
}

function ipvsMissing(): string | undefined {
  if (existsSync('/proc/net/ip_vs')) return undefined;
  const config = kernelConfig();
  const opt = config ? /^CONFIG_IP_VS=(\S+)/m.exec(config)?.[1] : undefined;
  const modules = config ? /^CONFIG_MODULES=y/m.test(config) : true;
  if (opt === 'm' && modules)
    return 'IPVS is built as a module (CONFIG_IP_VS=m) but not loaded: run modprobe ip_vs';
  return `this kernel (${release()}) has no IPVS: CONFIG_IP_VS is ${opt ? `=${opt}` : 'not set'} and /proc/net/ip_vs is absent`;
}

/** cilium-agent pins its maps in a bpffs and attaches socket-level load balancing to a cgroup2. */
function ebpfMissing(): string | undefined {
  const filesystems = readFileSync('/proc/filesystems', 'utf8');
  if (!/\sbpf$/m.test(filesystems))
    return `this kernel (${release()}) has no bpf filesystem (CONFIG_BPF_SYSCALL)`;
  const mounts = readFileSync('/proc/self/mounts', 'utf8');
  if (!/^\S+ \S+ cgroup2 /m.test(mounts))
    return 'no cgroup2 hierarchy is mounted: socket-level load balancing attaches to a cgroup2';
  return undefined;
}

function kernelConfig(): string | undefined {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
  } catch {
    return undefined;
  }
}
