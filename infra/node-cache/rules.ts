import type { ExecResult } from '../exec.ts';

/** One iptables rule node-cache keeps at the top of its chain. */
export interface IptablesRule {
  readonly table: 'raw' | 'filter';
  readonly chain: 'PREROUTING' | 'INPUT' | 'OUTPUT';
  readonly args: readonly string[];
}

/** Which iptables binaries the rules go through: they must sit beside kube-proxy's, or they do nothing. */
export type IptablesBackend = 'nft' | 'legacy';

/** Runs argv and returns its result whatever the exit code. */
export type Runner = (argv: readonly string[]) => Promise<ExecResult>;

const skip = ['-m', 'comment', '--comment', 'NodeLocal DNS Cache: skip conntrack', '-j', 'NOTRACK'];
const allow = ['-m', 'comment', '--comment', 'NodeLocal DNS Cache: allow DNS traffic', '-j', 'ACCEPT'];

/**
 * node-cache's rules for each local IP, in upstream's order: untracked DNS to and from the cache (so the
 * packet to the kube-dns ClusterIP never meets kube-proxy's DNAT, which needs a conntrack entry), filter
 * ACCEPTs because the usual ESTABLISHED rules cannot match untracked packets, and the health port untracked.
 */
export function nodeCacheRules(
  localIps: readonly string[],
  dnsPort: number,
  healthPort: number,
): IptablesRule[] {
  const dns = String(dnsPort);
  const health = String(healthPort);
  return localIps.flatMap((ip) => [
    ...both((p) => ({ table: 'raw', chain: 'PREROUTING', args: [...p, '-d', ip, '--dport', dns, ...skip] })),
    ...both((p) => ({ table: 'filter', chain: 'INPUT', args: [...p, '-d', ip, '--dport', dns, ...allow] })),
    ...both((p) => ({ table: 'raw', chain: 'OUTPUT', args: [...p, '-s', ip, '--sport', dns, ...skip] })),
    ...both((p) => ({ table: 'filter', chain: 'OUTPUT', args: [...p, '-s', ip, '--sport', dns, ...allow] })),
    // Queries the node itself sends (hostNetwork pods).
    ...both((p) => ({ table: 'raw', chain: 'OUTPUT', args: [...p, '-d', ip, '--dport', dns, ...skip] })),
    { table: 'raw', chain: 'OUTPUT', args: ['-p', 'tcp', '-d', ip, '--dport', health, ...skip] },
    { table: 'raw', chain: 'OUTPUT', args: ['-p', 'tcp', '-s', ip, '--sport', health, ...skip] },
  ]);
}

function both(f: (proto: string[]) => IptablesRule): IptablesRule[] {
  return [f(['-p', 'tcp']), f(['-p', 'udp'])];
}

/** `-w 5`: wait for the xtables lock as Kubernetes' iptables wrapper does, rather than fail at once. */
export function ruleArgv(backend: IptablesBackend, op: '-C' | '-I' | '-D', rule: IptablesRule): string[] {
  return [`iptables-${backend}`, '-w', '5', '-t', rule.table, op, rule.chain, ...rule.args];
}

/**
 * The backend kube-proxy uses, decided as upstream's iptables-wrapper decides: the one whose save output
 * holds more KUBE- lines wins; nft when neither has any (kube-proxy in nftables mode, or not yet started).
 */
export async function detectBackend(run: Runner): Promise<IptablesBackend> {
  const count = async (b: IptablesBackend) => {
    const r = await run([`iptables-${b}-save`]);
    return r.exitCode === 0 ? r.stdout.split('\n').filter((l) => l.includes('KUBE-')).length : 0;
  };
  const [legacy, nft] = [await count('legacy'), await count('nft')];
  return legacy > nft ? 'legacy' : 'nft';
}

/** What a setup pass found wrong, by upstream's errortype label. */
export type SetupErrorType = 'iptables' | 'iptables_lock' | 'interface_add' | 'interface_check' | 'configmap';

/**
 * For each rule: `-C`; when missing, `-I` at the top of its chain. Returns what was added back and what
 * failed (a failed check or insert, the lock held by someone else counted apart).
 */
export async function ensureRules(
  run: Runner,
  backend: IptablesBackend,
  rules: readonly IptablesRule[],
  /** Checked before each rule: a pass stops early when the teardown has begun. */
  stopped: () => boolean = () => false,
): Promise<{
  added: IptablesRule[];
  errors: { rule: IptablesRule; type: SetupErrorType; message: string }[];
}> {
  const added: IptablesRule[] = [];
  const errors: { rule: IptablesRule; type: SetupErrorType; message: string }[] = [];
  for (const rule of rules) {
    if (stopped()) break;
    const check = await run(ruleArgv(backend, '-C', rule));
    if (check.exitCode === 0) continue;
    // Exit 1 is "no such rule"; anything else (bad table, lock, missing module) is an error of the check.
    const r = check.exitCode === 1 ? await run(ruleArgv(backend, '-I', rule)) : check;
    if (r.exitCode === 0) added.push(rule);
    else
      errors.push({
        rule,
        type: /holding the xtables lock|Another app is currently holding/.test(r.stderr)
          ? 'iptables_lock'
          : 'iptables',
        message: r.stderr.trim(),
      });
  }
  return { added, errors };
}

/**
 * Deletes every rule carrying node-cache's comments, copies included, in one iptables-restore: the
 * teardown must fit in the pod's grace period on a loaded node, which one `-D` process per rule may not.
 */
export async function deleteRules(run: Runner, backend: IptablesBackend): Promise<number> {
  const save = await run([`iptables-${backend}-save`]);
  if (save.exitCode !== 0) return 0;
  const { input, count } = deletions(save.stdout);
  if (count === 0) return 0;
  const r = await run(['sh', '-c', `printf '%s' "$0" | iptables-${backend}-restore -w 5 --noflush`, input]);
  if (r.exitCode !== 0) throw new Error(`iptables-${backend}-restore: ${r.stderr.trim()}`);
  return count;
}

/** iptables-restore input deleting each `-A` line of the save output that holds a NodeLocal DNS Cache comment. */
export function deletions(save: string): { input: string; count: number } {
  const out: string[] = [];
  let table = '';
  let lines: string[] = [];
  let count = 0;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) {
      table = line;
      lines = [];
    } else if (line === 'COMMIT') {
      if (lines.length) out.push(table, ...lines, 'COMMIT');
    } else if (line.startsWith('-A ') && line.includes('"NodeLocal DNS Cache: ')) {
      lines.push(`-D ${line.slice(3)}`);
      count++;
    }
  }
  return { input: out.join('\n') + '\n', count };
}
