/**
 * `agent vegeta --url http://<target>/hostname --rate 100 --duration 10s`
 *
 * The cross-check: upstream vegeta (built from the pinned module) attacks the same target at a constant rate,
 * a new connection per request (-keepalive=false, as the agent's profiles do), and its JSON report is printed
 * as one line with latencies converted from ns to ms. The harness compares it with the agent's req_total.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { binPath } from '../../../infra/build/build.ts';

export interface VegetaReport {
  readonly requests: number;
  readonly rate: number;
  readonly success: number;
  /** ms */
  readonly latencies: { p50: number; p90: number; p99: number; max: number; mean: number };
  readonly statusCodes: Record<string, number>;
  readonly errors: string[];
}

export async function vegetaCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      rate: { type: 'string', default: '100' },
      duration: { type: 'string', default: '10s' },
    },
  });
  if (!values.url) throw new Error('vegeta: --url is required');
  const vegeta = binPath('vegeta');
  const attack = spawn(
    vegeta,
    ['attack', `-rate=${values.rate}/1s`, `-duration=${values.duration}`, '-keepalive=false', '-timeout=5s'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  attack.stdin.end(`GET ${values.url}\n`);
  const report = spawn(vegeta, ['report', '-type=json'], { stdio: [attack.stdout, 'pipe', 'inherit'] });
  let out = '';
  report.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => report.on('close', resolve));
  if (code !== 0) throw new Error(`vegeta report exited ${code}`);
  process.stdout.write(JSON.stringify(parseVegetaReport(out)) + '\n');
}

/** vegeta's `report -type=json` (latencies in ns) as the harness reads it (ms). */
export function parseVegetaReport(text: string): VegetaReport {
  const r = JSON.parse(text) as {
    latencies: Record<string, number>;
    requests: number;
    rate: number;
    success: number;
    status_codes?: Record<string, number>;
    errors?: string[] | null;
  };
  const ms = (ns: number | undefined) => Math.round((ns ?? 0) / 1000) / 1000;
  return {
    requests: r.requests,
    rate: r.rate,
    success: r.success,
    latencies: {
      p50: ms(r.latencies['50th']),
      p90: ms(r.latencies['90th']),
      p99: ms(r.latencies['99th']),
      max: ms(r.latencies.max),
      mean: ms(r.latencies.mean),
    },
    statusCodes: r.status_codes ?? {},
    errors: (r.errors ?? []).slice(0, 5),
  };
}
