/**
 * `agent run --profile <module.ts | name> [--env K=V ...] [--vus N] [--duration 10s] [--rate N]`

 *
 * Runs a k6-style load profile (runners/traffic/load-profile.ts) and prints its report as one JSON line:
 * k6-named metrics from HDR histograms, and each threshold's verdict. Exit 0 even when a threshold fails:
 * verdicts are data for the harness.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProfile, type ProfileModule } from '../load-profile.ts';

export async function runProfileCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      profile: { type: 'string' },
      env: { type: 'string', multiple: true },
      vus: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
    },
  });
  if (!values.profile) throw new Error('run: --profile is required');
  const env = Object.fromEntries(
    (values.env ?? []).map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]),
  );
  // A bare name is one of the agent's own profiles (runners/traffic/profiles/), so a cluster's agent image
  // needs no file from the harness's checkout.
  const file = /^[\w-]+$/.test(values.profile)
    ? fileURLToPath(new URL(`../profiles/${values.profile}.ts`, import.meta.url))
    : resolve(values.profile);
  const loaded = (await import(file)) as ProfileModule;
  // As with k6, --vus and --duration on the command line override the profile's options.
  const options = {
    ...loaded.options,
    ...(values.vus ? { vus: Number(values.vus), stages: undefined } : {}),
    ...(values.duration ? { duration: values.duration, iterations: undefined } : {}),
    ...(values.rate ? { rate: Number(values.rate) } : {}),
  };
  process.stdout.write(JSON.stringify(await runProfile({ options, default: loaded.default }, env)) + '\n');
}
