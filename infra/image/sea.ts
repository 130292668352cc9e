/**
 * The bundled agent as a Node single-executable application: a copy of this Node binary with the bundle
 * injected as its NODE_SEA_BLOB resource (`node --experimental-sea-config`, then postject). No Node, npm or
 * checkout is needed where it runs, only the shared libraries Node links (rootfs.ts).
 */
import { copyFileSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { exec } from '../exec.ts';

/** The fuse postject flips so Node looks for the blob; the value Node 20 is built with. */
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** Writes `<dir>/agent`, an executable running `code` (CommonJS) as its main script. */
export async function singleExecutable(code: string, dir: string): Promise<string> {
  const main = join(dir, 'agent.cjs');
  const blob = join(dir, 'agent.blob');
  const config = join(dir, 'sea-config.json');
  const out = join(dir, 'agent');
  writeFileSync(main, code);
  writeFileSync(
    config,
    JSON.stringify({ main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }),
  );
  await exec([process.execPath, '--experimental-sea-config', config]);
  copyFileSync(process.execPath, out);
  chmodSync(out, 0o755);
  const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
  await exec([process.execPath, postject, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', seaFuse]);
  return out;
}
