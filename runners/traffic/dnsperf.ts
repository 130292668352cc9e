/**
 * dnsperf's (DNS-OARC, Debian's /usr/bin/dnsperf) end-of-run statistics, parsed from its text output: queries
 * sent, completed and lost, the response codes, the achieved rate and the average latency (dnsperf reports no
 * percentiles). Latencies are converted from its seconds to ms.
 */
export interface DnsperfSummary {
  readonly queriesSent: number;
  readonly queriesCompleted: number;
  readonly queriesLost: number;
  /** NOERROR, NXDOMAIN, SERVFAIL, … as dnsperf counts them. */
  readonly responseCodes: Record<string, number>;
  readonly runSeconds: number;
  readonly qps: number;
  readonly avgLatencyMs: number;
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly latencyStdDevMs: number | null;
}

export function parseDnsperf(text: string): DnsperfSummary {
  const num = (re: RegExp): number | undefined => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const sent = num(/^\s*Queries sent:\s+(\d+)/m);
  if (sent === undefined)
    throw new Error(`dnsperf printed no statistics: ${text.trim().split('\n').slice(-5).join(' | ')}`);
  const codes: Record<string, number> = {};
  const codeText = /^\s*Response codes:[ \t]*(.*)$/m.exec(text)?.[1] ?? '';
  for (const m of codeText.matchAll(/([A-Z][A-Z0-9]*) (\d+)/g)) codes[m[1]!] = Number(m[2]);
  const latency = /^\s*Average Latency \(s\):\s+([\d.]+) \(min ([\d.]+), max ([\d.]+)\)/m.exec(text);
  const ms = (s: string | undefined) => Math.round(Number(s ?? 0) * 1e6) / 1000;
  const stddev = num(/^\s*Latency StdDev \(s\):\s+([\d.]+)/m);
  return {
    queriesSent: sent,
    queriesCompleted: num(/^\s*Queries completed:\s+(\d+)/m) ?? 0,
    queriesLost: num(/^\s*Queries lost:\s+(\d+)/m) ?? 0,
    responseCodes: codes,
    runSeconds: num(/^\s*Run time \(s\):\s+([\d.]+)/m) ?? 0,
    qps: Math.round((num(/^\s*Queries per second:\s+([\d.]+)/m) ?? 0) * 100) / 100,
    avgLatencyMs: ms(latency?.[1]),
    minLatencyMs: ms(latency?.[2]),
    maxLatencyMs: ms(latency?.[3]),
    latencyStdDevMs: stddev === undefined ? null : Math.round(stddev * 1e6) / 1000,
  };
}
