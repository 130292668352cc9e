/** An AbortSignal that SIGINT/SIGTERM abort; every wait in the harness honours it. */
export function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      process.stderr.write(`\n${sig}: stopping\n`);
      process.exitCode = 130;
      // The abort unwinds the command as an error, whose handler (cli.ts) would set 1: the interrupt wins.
      process.once('exit', () => {
        process.exitCode = 130;
      });
      ac.abort(new Error(`interrupted by ${sig}`));
    });
  }
  return ac.signal;
}
