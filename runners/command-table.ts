/**
 * The commands scalelab knows, by name, with a one-line summary for `scalelab --help` and a loader: a command's
 * module (and what it imports) is loaded only when that command runs. `scalelab X --help` prints X's own, fuller
 * description. runners/cli.test.ts checks each entry's term against the loaded command.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  readonly name: string;
  /** What `scalelab --help` lists on the left: the loaded command's own usage term. */
  readonly term: string;
  readonly description: string;
  readonly load: () => Promise<Command>;
}

export const commandTable: readonly CommandEntry[] = [
  {
    name: 'build',
    term: 'build [options] [components...]',
    description: 'Install the Debian packages and build the pinned components into ~/.cache/scalelab',
    load: async () => (await import('./commands/build.ts')).buildCommand(),
  },
  {
    name: 'lab',
    term: 'lab',
    description: 'The local lab: up, down, status, logs, exec, kubeconfig',
    load: async () => (await import('./commands/lab.ts')).labCommand(),
  },
  {
    name: 'validate',
    term: 'validate [options] <files...>',
    description: 'Check scenario files; report every problem with file:line:col and field path',
    load: async () => (await import('./commands/scenario.ts')).validateCommand(),
  },
  {
    name: 'plan',
    term: 'plan [options] <files...>',
    description: 'Print the runs scenarios expand to on this host, and the variants skipped with the reason',
    load: async () => (await import('./commands/scenario.ts')).planCommand(),
  },
  {
    name: 'schema',
    term: 'schema [options]',
    description: 'Print (or write) the JSON Schema of scenario files, for editors',
    load: async () => (await import('./commands/scenario.ts')).schemaCommand(),
  },
  {
    name: 'run',
    term: 'run [options] <file>',
    description: 'Run a scenario: every supported variant in turn; a results file, a summary',
    load: async () => (await import('./commands/run.ts')).runCommand(),
  },
  {
    name: 'report',
    term: 'report [options] [results...]',
    description: 'Render results files as one self-contained HTML page, with JUnit XML and PerfData',
    load: async () => (await import('./commands/report.ts')).reportCommand(),
  },
  {
    name: 'site',
    term: 'site [options] <dirs...>',
    description: 'Build the site of many runs: an index with trends, a page per run',
    load: async () => (await import('./commands/site.ts')).siteCommand(),
  },
  {
    name: 'nightly',
    term: 'nightly [options] [dir]',
    description: 'Run every scenario of a directory against its last good run, rebuild the site',
    load: async () => (await import('./commands/nightly.ts')).nightlyCommand(),
  },
  {
    name: 'image',
    term: 'image',
    description: "The traffic agent's OCI image: build (buildah, offline), push (skopeo)",
    load: async () => (await import('./commands/image.ts')).imageCommand(),
  },
];

/** The environment variables scalelab reads (infra/paths.ts, runners/scalelab.js, runners/commands/run.ts). */
export const environmentHelp = `Environment:
  SCALELAB_CACHE  where built components live (default ~/.cache/scalelab)
  SCALELAB_STATE  where running labs keep state, logs, kubeconfigs (default /run/scalelab)
  SCALELAB_DATA   where etcd keeps its data (default /dev/shm/scalelab, tmpfs)
  SCALELAB_TSX    1: run the CLI from its TypeScript sources even when the compiled one is fresh
  KUBECONFIG      the kubeconfig \`run --kubeconfig\` uses when given no path (never switches a lab run)`;
