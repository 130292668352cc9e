/**
 * node-cache's command line, as upstream's (kubernetes/dns cmd/node-cache) parses it with Go's flag package:
 * `-name value`, `-name=value`, one or two dashes; a boolean is set by `-name` or `-name=false`, never by a
 * separate word. Upstream also accepts CoreDNS's own flags (`-conf`, `-dns.port`, `-pidfile`): so does this.
 */
export interface NodeCacheFlags {
  /** Every address the cache binds and the rules cover (`-localip 169.254.20.10,198.19.0.10`). */
  readonly localIps: readonly string[];
  /** The rendered Corefile CoreDNS runs with (`-conf`, alias `-corefile`). @default /etc/Corefile */
  readonly corefile: string;
  /** The ConfigMap's template (`-basecorefile`). @default /etc/coredns/Corefile.base */
  readonly baseCorefile: string;
  /** The Service whose `<NAME>_SERVICE_HOST` env var gives __PILLAR__CLUSTER__DNS__. @default kube-dns */
  readonly upstreamSvc: string;
  /** CoreDNS writes it once it serves; the rules go in as soon as it appears (within 5 s). */
  readonly pidfile?: string;
  readonly skipTeardown: boolean;
  /** @default true */
  readonly setupIptables: boolean;
  /** @default true */
  readonly setupInterface: boolean;
  /** @default nodelocaldns */
  readonly interfaceName: string;
  /** How often the rules and the link are re-checked (`-syncinterval`). @default 60_000 */
  readonly syncIntervalMs: number;
  /** The health plugin's port, NOTRACKed like DNS. @default 8080 */
  readonly healthPort: number;
  /** Where coredns_nodecache_setup_errors_total is served. @default 0.0.0.0:9353 */
  readonly metricsListen: { readonly host: string; readonly port: number };
  /** @default 53 */
  readonly dnsPort: number;
}

type Kind = 'string' | 'bool';
const spec: Record<string, Kind> = {
  localip: 'string',
  conf: 'string',
  corefile: 'string',
  basecorefile: 'string',
  upstreamsvc: 'string',
  pidfile: 'string',
  skipteardown: 'bool',
  setupiptables: 'bool',
  setupinterface: 'bool',
  setupebtables: 'bool',
  interfacename: 'string',
  syncinterval: 'string',
  initialdelay: 'string',
  'health-port': 'string',
  'metrics-listen-address': 'string',
  kubednscm: 'string',
  'dns.port': 'string',
};

/** Parses argv (without the program); throws naming the flag and what it expected. */
export function parseFlags(argv: readonly string[]): NodeCacheFlags {
  const v = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([\w.-]+)(?:=(.*))?$/s.exec(argv[i]!);
    if (!m) throw new Error(`node-cache: unexpected argument "${argv[i]}" (flags are -name value)`);
    const [, name, inline] = m as unknown as [string, string, string | undefined];
    const kind = spec[name];
    if (!kind) throw new Error(`node-cache: unknown flag -${name}; known: ${Object.keys(spec).join(', ')}`);
    if (kind === 'bool') v.set(name, inline ?? 'true');
    else if (inline !== undefined) v.set(name, inline);
    else if (i + 1 < argv.length) v.set(name, argv[++i]!);
    else throw new Error(`node-cache: flag -${name} needs a value`);
  }
  const localIps = (v.get('localip') ?? '').split(',');
  for (const ip of localIps)
    if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(ip))
      throw new Error(`node-cache: -localip: expected comma-separated IPv4 addresses, got "${ip}"`);
  const metrics = v.get('metrics-listen-address') ?? '0.0.0.0:9353';
  const mm = /^(.*):(\d+)$/.exec(metrics);
  if (!mm) throw new Error(`node-cache: -metrics-listen-address: expected host:port, got "${metrics}"`);
  return {
    localIps,
    corefile: v.get('conf') ?? v.get('corefile') ?? '/etc/Corefile',
    baseCorefile: v.get('basecorefile') ?? '/etc/coredns/Corefile.base',
    upstreamSvc: v.get('upstreamsvc') ?? 'kube-dns',
    pidfile: v.get('pidfile') || undefined,
    skipTeardown: bool(v, 'skipteardown', false),
    setupIptables: bool(v, 'setupiptables', true),
    setupInterface: bool(v, 'setupinterface', true),
    interfaceName: v.get('interfacename') ?? 'nodelocaldns',
    syncIntervalMs: durationMs(v.get('syncinterval') ?? '60', 'syncinterval'),
    healthPort: port(v.get('health-port') ?? '8080', 'health-port'),
    metricsListen: { host: mm[1]!, port: port(mm[2]!, 'metrics-listen-address') },
    dnsPort: port(v.get('dns.port') ?? '53', 'dns.port'),
  };
}

function bool(v: Map<string, string>, name: string, dflt: boolean): boolean {
  const s = v.get(name);
  if (s === undefined) return dflt;
  if (/^(1|t|true)$/i.test(s)) return true;
  if (/^(0|f|false)$/i.test(s)) return false;
  throw new Error(`node-cache: -${name}: expected true or false, got "${s}"`);
}

function port(s: string, name: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > 65535)
    throw new Error(`node-cache: -${name}: expected a port 1-65535, got "${s}"`);
  return n;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Upstream multiplies the flag's Duration by a second, so its documented `-syncinterval 60` means 60 s; a bare
 * number is read as seconds here too. A Go duration with units (`5s`, `1m30s`) is taken as written.
 */
export function durationMs(s: string, name: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  let ms = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(s))) {
    ms += Number(m[1]) * units[m[2]!]!;
    end = re.lastIndex;
  }
  if (end !== s.length || s.length === 0 || ms <= 0)
    throw new Error(`node-cache: -${name}: expected seconds or a Go duration such as 60s, got "${s}"`);
  return ms;
}
