/**
 * Evidence kept when a variant fails or is found invalid, taken before its lab goes (labDown deletes the state
 * directory): the lab's state (every component's log, argv and config, the node agents' pod logs), each real
 * node's rule dump (what kube-proxy programmed) with its addresses and routes, and a last `lab status`.
 * Private keys, tokens and credentials are never copied (redact.ts). Everything here reads; nothing in the lab
 * is changed.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exec } from '../exec.ts';
import { labStateDir, readLabState, type LabState } from './state.ts';
import { labStatus } from './status.ts';
import { labNetns } from './netns.ts';
import { leftOutReason, looksLikeText, redact } from './redact.ts';

/** A file larger than this is kept as its last part: the end of a log is where a failure is. */
const maxFileBytes = 4 * 2 ** 20;
/** Each dump command and the status may take this long: a wedged lab must not hold up the run. */
const commandTimeoutMs = 15_000;

export interface KeptArtifacts {
  readonly dir: string;
  readonly files: number;
  /** Paths under the state directory that were not copied, with the reason. */
  readonly leftOut: { path: string; reason: string }[];
}

/** Copies lab `name`'s evidence into `dir` (created); a lab with no state left gives an empty record. */
export async function keepLabArtifacts(name: string, dir: string): Promise<KeptArtifacts> {
  mkdirSync(dir, { recursive: true });
  const state = readLabState(name);
  const kept: KeptArtifacts = { dir, files: 0, leftOut: [] };
  copyState(labStateDir(name), join(dir, 'state'), '', kept);
  if (state) {
    for (const dump of ruleDumps(state)) {
      const r = await exec(['ip', 'netns', 'exec', dump.netns, ...dump.argv], {
        allowFailure: true,
        signal: AbortSignal.timeout(commandTimeoutMs),
      }).catch((err: unknown) => ({ stdout: '', stderr: String(err), exitCode: -1 }));
      const text = r.exitCode === 0 ? r.stdout : `# exit ${r.exitCode}\n${r.stderr}\n${r.stdout}`;
      write(join(dir, 'rules', dump.file), redact(text), kept);
    }
  }
  const status = await Promise.race([
    labStatus(name).catch((err: unknown) => ({ error: String(err) })),
    new Promise((resolve) =>
      setTimeout(
        () => resolve({ error: `no status within ${commandTimeoutMs} ms` }),
        commandTimeoutMs,
      ).unref(),
    ),
  ]);
  // Without the state (copied above, and it names the kubeconfig path only): this is `lab status --json`.
  const shown = status && typeof status === 'object' ? { ...status, state: undefined } : { error: 'no lab' };
  write(join(dir, 'status.json'), `${JSON.stringify(shown, null, 2)}\n`, kept);
  write(
    join(dir, 'artifacts.json'),
    `${JSON.stringify({ lab: name, takenAt: new Date().toISOString(), files: kept.files + 1, leftOut: kept.leftOut }, null, 2)}\n`,
    kept,
  );
  return kept;
}

/** The read-only commands whose output shows a node's dataplane: kube-proxy's rules, addresses, routes. */
export function ruleDumps(state: LabState): { netns: string; argv: string[]; file: string }[] {
  const nodes = (state.realNodes ?? []).map((n) => ({ netns: n.netns, name: n.name }));
  const all = [{ netns: labNetns(state.spec.name), name: 'lab' }, ...nodes];
  return all.flatMap(({ netns, name }) => [
    ...(name === 'lab'
      ? []
      : [
          { netns, argv: ['iptables-save'], file: `${name}/iptables-save.txt` },
          ...(state.spec.iptablesBackend === 'legacy'
            ? [{ netns, argv: ['iptables-legacy-save'], file: `${name}/iptables-legacy-save.txt` }]
            : []),
          { netns, argv: ['nft', 'list', 'ruleset'], file: `${name}/nft-list-ruleset.txt` },
        ]),
    { netns, argv: ['ip', '-d', 'address', 'show'], file: `${name}/ip-address.txt` },
    { netns, argv: ['ip', 'route', 'show', 'table', 'all'], file: `${name}/ip-route.txt` },
  ]);
}

/** Mirrors the state directory, text files only, each redacted; what is left out is recorded with why. */
function copyState(from: string, to: string, rel: string, kept: KeptArtifacts): void {
  let names: string[];
  try {
    names = readdirSync(join(from, rel)).sort();
  } catch {
    return;
  }
  for (const n of names) {
    const r = rel ? `${rel}/${n}` : n;
    const reason = leftOutReason(r);
    if (reason) {
      kept.leftOut.push({ path: r, reason });
      continue;
    }
    let st;
    try {
      st = lstatSync(join(from, r));
    } catch {
      continue; // removed while we walked (a pod deleted)
    }
    if (st.isDirectory()) copyState(from, to, r, kept);
    else if (!st.isFile()) kept.leftOut.push({ path: r, reason: 'not a regular file' });
    else {
      let read: { text?: string; cut: number };
      try {
        read = readTail(join(from, r), st.size);
      } catch (err) {
        kept.leftOut.push({ path: r, reason: `unreadable (${(err as NodeJS.ErrnoException).code ?? err})` });
        continue;
      }
      const { text, cut } = read;
      if (text === undefined) kept.leftOut.push({ path: r, reason: 'binary' });
      else write(join(to, r), `${cut ? `[first ${cut} bytes left out]\n` : ''}${redact(text)}`, kept);
    }
  }
}

/** The file's text (its last maxFileBytes), or undefined when it is binary. */
function readTail(path: string, size: number): { text?: string; cut: number } {
  const cut = Math.max(0, size - maxFileBytes);
  const buf = Buffer.alloc(size - cut);
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, buf, 0, buf.length, cut);
    const got = buf.subarray(0, n);
    return { text: looksLikeText(got) ? got.toString('utf8') : undefined, cut };
  } finally {
    closeSync(fd);
  }
}

function write(path: string, text: string, kept: KeptArtifacts): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o644 });
  (kept as { files: number }).files++;
}
