import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { cpus, release, totalmem } from 'node:os';

/** What this kernel can do, for variants that need more than the lab's basics. */
export interface HostFacts {
  readonly kernel: string;
  /** undefined when IPVS is there; otherwise why not, naming the kernel option. */
  readonly ipvsMissing?: string;
}

export function hostFacts(): HostFacts {
  return { kernel: release(), ipvsMissing: ipvsMissing() };
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

function kernelConfig(): string | undefined {
  try {
    return gunzipSync(readFileSync('/proc/config.gz')).toString('utf8');
  } catch {
    return undefined;
  }
}
