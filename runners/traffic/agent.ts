/**
 * scalelab's own agent, the program behind the image `scalelab.local/agent` on real nodes. One file per
 * subcommand under ./commands, each with its usage at the top; `agent <command> [flags]`.
 */
import { vipProbeCommand } from './commands/vip-probe.ts';
import { runProfileCommand } from './commands/run-profile.ts';
import { dnsClientCommand } from './commands/dns-client.ts';
import { dnsperfCommand } from './commands/dnsperf.ts';
import { vegetaCommand } from './commands/vegeta.ts';

const commands: Record<string, (args: string[]) => Promise<void>> = {
  'vip-probe': vipProbeCommand,
  run: runProfileCommand,
  'dns-client': dnsClientCommand,
  dnsperf: dnsperfCommand,
  vegeta: vegetaCommand,
};

const [command, ...rest] = process.argv.slice(2);
const handler = command ? commands[command] : undefined;
if (!handler) {
  process.stderr.write(
    `scalelab agent: unknown command "${command ?? ''}"; known: ${Object.keys(commands).join(', ')}\n`,
  );
  process.exit(2);
}
await handler(rest);
