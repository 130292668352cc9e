import { Command } from 'commander';
import { buildAll } from '../../infra/build/build.ts';
import { consoleLog } from '../events.ts';

export function buildCommand(): Command {
  return new Command('build')
    .description(
      'Install the Debian packages and build every pinned component (infra/versions.json) into ~/.cache/scalelab; ' +
        'skips what is already built and checked',
    )
    .option('--only <groups>', 'comma-separated component groups, e.g. kubernetes,kwok')
    .option(
      '--kubernetes <versions>',
      'also build these pinned Kubernetes versions besides the default (comma-separated, or "all"), e.g. v1.37.2',
    )
    .action(async (opts: { only?: string; kubernetes?: string }) => {
      await buildAll(consoleLog(), {
        only: opts.only?.split(',').filter(Boolean),
        kubernetes: opts.kubernetes?.split(',').filter(Boolean),
      });
    });
}
