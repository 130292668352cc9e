/**
 * The Go toolchain check made before any component build starts: `go` on PATH, at least the version
 * infra/versions.json's `toolchain.go` names. Without it a missing or old Go surfaces minutes into a build as a
 * compiler error deep in a module; with it the user gets one line saying what to install (exit 2, bad input).
 * GOTOOLCHAIN is `local` for the builds (go-build.ts): Go must not try to download a newer toolchain here.
 */
import { spawnSync } from 'node:child_process';
import { UserError } from '../../runners/errors.ts';
import { versions } from '../versions.ts';

/** "go1.26.8" (or "go1.26", "go1.27rc1") → [1, 26, 8]; undefined when it is not a Go version. */
export function parseGoVersion(text: string): number[] | undefined {
  const m = /\bgo(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Whether version a is at least b, part by part. */
export function atLeast(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** The minimum Go version the pinned builds need ("1.26"). */
export function requiredGo(): string {
  const v = versions.toolchain?.go;
  if (!v) throw new Error('infra/versions.json: toolchain.go: expected the minimum Go version, e.g. "1.26"');
  return v;
}

/**
 * Throws a UserError (exit 2) naming the fix when `go` is missing or older than required; `goVersionOutput`
 * replaces running `go version` (for tests). Returns the version found.
 */
export function requireGo(goVersionOutput?: string | null): string {
  const want = requiredGo();
  const fix = `install Go ${want} or newer (https://go.dev/dl/) and put its bin directory first on PATH, e.g. export PATH=/usr/local/go/bin:$PATH`;
  const text = goVersionOutput === undefined ? runGoVersion() : goVersionOutput;
  if (text === null)
    throw new UserError(`go: not found on PATH; the component builds need Go ≥ ${want}`, fix);
  const found = parseGoVersion(text);
  if (!found)
    throw new UserError(`go version printed "${text.trim()}", expected "go version goX.Y.Z …"`, fix);
  if (!atLeast(found, parseGoVersion(`go${want}`)!))
    throw new UserError(`go: found ${found.join('.')}, the component builds need Go ≥ ${want}`, fix);
  return found.join('.');
}

function runGoVersion(): string | null {
  // GOTOOLCHAIN=local: report the Go on PATH, not a toolchain go.mod would switch to.
  const r = spawnSync('go', ['version'], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
  });
  if (r.error || r.status !== 0) return null;
  return r.stdout;
}
