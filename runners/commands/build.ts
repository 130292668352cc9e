import { Command } from 'commander';
import { buildAll } from '../../infra/build/build.ts';
import { consoleLog } from '../events.ts';
import { UserError } from '../errors.ts';
import { interruptSignal } from '../interrupt.ts';

export function buildCommand(): Command {
  return new Command('build')
    .description(
      'Install the Debian packages and build the pinned components (infra/versions.json) into ~/.cache/scalelab: ' +
        'every default one, or only those named (kube-burner and cilium are built only when named); ' +
        'skips what is already built and checked; exit 2 when Go is missing or older than required',
    )
    .argument('[components...]', 'component groups to build, e.g. kube-burner (default: every default group)')
    .option('--only <groups>', 'comma-separated component groups, e.g. kubernetes,kwok (same as naming them)')
    .option(
      '--kubernetes <versions>',
      'also build these pinned Kubernetes versions besides the default (comma-separated, or "all"), e.g. v1.37.2',
    )
    .action(async (components: string[], opts: { only?: string; kubernetes?: string }) => {
      const only = opts.only?.split(',').filter(Boolean) ?? [];
      if (components.length && only.length)
        throw new UserError('name the components either as arguments or with --only, not both');
      await buildAll(consoleLog(), {
        only: components.length ? components : only,
        kubernetes: opts.kubernetes?.split(',').filter(Boolean),
        signal: interruptSignal(),
      });
    });
}
