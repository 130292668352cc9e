/**
 * The parts of a pod's /etc/resolv.conf that decide what glibc sends (resolv.conf(5)): nameservers, the search
 * list, ndots, and the per-query timeout and attempts. The DNS client uses the timeout to tell a timeout from a
 * SERVFAIL; dnsperf replays the search-path queries an application's lookups turn into.
 */
export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly search: readonly string[];
  readonly ndots: number;
  /** Seconds glibc waits for an answer before retrying (resolv.conf default 5). */
  readonly timeoutSeconds: number;
  /** Times glibc sends each query to each server (resolv.conf default 2). */
  readonly attempts: number;
}

export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  let ndots = 1;
  let timeoutSeconds = 5;
  let attempts = 2;
  for (const raw of text.split('\n')) {
    const [key, ...words] = raw
      .replace(/[#;].*$/, '')
      .trim()
      .split(/\s+/);
    if (key === 'nameserver' && words[0]) nameservers.push(words[0]);
    // The last search or domain line wins, as in glibc.
    if (key === 'search') search = words;
    if (key === 'domain' && words[0]) search = [words[0]];
    if (key === 'options') {
      for (const w of words) {
        const [name, value] = w.split(':');
        const n = Number(value);
        if (name === 'ndots' && Number.isInteger(n)) ndots = Math.min(n, 15);
        if (name === 'timeout' && Number.isInteger(n) && n > 0) timeoutSeconds = Math.min(n, 30);
        if (name === 'attempts' && Number.isInteger(n) && n > 0) attempts = Math.min(n, 5);
      }
    }
  }
  return { nameservers, search, ndots, timeoutSeconds, attempts };
}

/**
 * The names glibc asks for, in order, when an application looks up `name`: with fewer dots than ndots each
 * search domain is appended in turn and the name as given comes last; a name ending in "." is asked as is.
 * Stops after the first candidate that is a Service's name in the cluster domain (`<svc>.<ns>.svc.<domain>`,
 * the domain being the last search entry): that one answers, so glibc asks no further.
 */
export function searchCandidates(name: string, conf: ResolvConf): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const tail = conf.search.at(-1);
  const isService = (fqdn: string) =>
    tail !== undefined &&
    fqdn.endsWith(`.svc.${tail}`) &&
    fqdn.slice(0, -`.svc.${tail}`.length).split('.').length === 2;
  if (dots >= conf.ndots) return [name];
  const out: string[] = [];
  for (const domain of conf.search) {
    const fqdn = `${name}.${domain}`;
    out.push(fqdn);
    if (isService(fqdn)) return out;
  }
  out.push(name);
  return out;
}
