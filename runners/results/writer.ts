import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RunResults } from './schema.ts';

/**
 * Holds one run's results and rewrites the file (atomically: temp + rename) every time something is added, so a
 * crash or a kill keeps everything gathered up to the last completed step.
 */
export class ResultsWriter {
  readonly path: string;
  readonly results: RunResults;
  constructor(path: string, results: RunResults) {
    this.path = path;
    this.results = results;
    mkdirSync(dirname(path), { recursive: true });
    this.save();
  }

  save(): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.results, null, 2) + '\n');
    renameSync(`${this.path}.tmp`, this.path);
  }
}
