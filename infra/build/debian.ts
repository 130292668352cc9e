import { exec } from '../exec.ts';
import type { Log } from '../../runners/events.ts';
import { StepError } from '../../runners/errors.ts';

/** Installed version of each package, or undefined where it is not installed. */
export async function installedVersions(
  packages: readonly string[],
): Promise<Record<string, string | undefined>> {
  const r = await exec(['dpkg-query', '-W', '-f=${Package} ${Status} ${Version}\n', ...packages], {
    allowFailure: true,
  });
  const found: Record<string, string | undefined> = Object.fromEntries(packages.map((p) => [p, undefined]));
  for (const line of r.stdout.split('\n')) {
    const [name, , , status, version] = line.split(' ');
    if (name && status === 'installed') found[name] = version;
  }
  return found;
}

/** Installs the missing ones with apt-get (root, Debian's own mirrors); a no-op when all are there. */
export async function ensureDebianPackages(packages: readonly string[], log: Log, signal?: AbortSignal) {
  const have = await installedVersions(packages);
  const missing = packages.filter((p) => !have[p]);
  if (missing.length === 0) return have;
  log({ kind: 'info', message: `apt-get install ${missing.join(' ')}` });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await exec(['apt-get', 'update'], { env, signal });
    await exec(['apt-get', 'install', '-y', '--no-install-recommends', ...missing], { env, signal });
  } catch (err) {
    throw new StepError(`installing Debian packages ${missing.join(', ')}`, err);
  }
  return installedVersions(packages);
}
