/**
 * A network namespace's TCP sockets read from /proc, without starting a process. /proc/<pid>/net shows the
 * namespace of process <pid>, so any lab process living in a node's namespace (its kube-proxy, its node agent)
 * gives that node's sockets. Running `ip netns exec … ss` every five seconds per node cost the harness a fork of
 * itself each time (~20 ms of its CPU apiece). Not the conntrack table: /proc/net/nf_conntrack walks every
 * namespace's entries, and reading it cost the harness more than the `conntrack -L` it would replace.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';

/** The first of `pids` whose network namespace is `netns` (a name under /run/netns), or undefined. */
export function pidInNetns(netns: string, pids: readonly number[]): number | undefined {
  let ino: number;
  try {
    ino = statSync(`/run/netns/${netns}`).ino;
  } catch {
    return undefined;
  }
  return pids.find((pid) => {
    try {
      return statSync(`/proc/${pid}/ns/net`).ino === ino;
    } catch {
      return false;
    }
  });
}

/**
 * Established TCP sockets to port 53, from /proc/net/tcp or tcp6 lines (`0: 0A000001:9C40 0A60000A:0035 01
 * …`: remote port in hex, state 01 = ESTABLISHED): what `ss -Htn state established '( dport = :53 )'` counts.
 */
export function countTcpDnsEstablished(procNetTcp: string): number {
  let n = 0;
  for (const line of procNetTcp.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[3] === '01' && f[2]?.endsWith(':0035')) n++;
  }
  return n;
}

/** Established TCP sockets to port 53 in the namespace of `pid`. */
export function tcpDnsEstablishedOf(pid: number): number {
  const read = (f: string) => readFileSync(`/proc/${pid}/net/${f}`, 'utf8');
  return countTcpDnsEstablished(read('tcp') + (existsSync(`/proc/${pid}/net/tcp6`) ? read('tcp6') : ''));
}
