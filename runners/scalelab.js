#!/usr/bin/env node
// The `scalelab` bin. It runs the compiled CLI (`npm run build:cli`, run by `npm ci`, `npm test` and `npm run
// bench`) while that is newer than every source it was built from, so a start compiles nothing; otherwise, or
// with SCALELAB_TSX=1, it registers tsx and runs the TypeScript itself, so a developer's edit is never ignored.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('node_modules/.cache/scalelab-cli/', root);

/** Whether the bundle exists and no source it was built from has changed (or gone) since. */
function compiledIsFresh() {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(new URL('inputs.json', compiled), 'utf8'));
    return inputs.every((f) => statSync(new URL(f, root)).mtimeMs < builtAtMs);
  } catch {
    return false;
  }
}

if (process.env.SCALELAB_TSX !== '1' && compiledIsFresh()) {
  await import(new URL('cli.mjs', compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
