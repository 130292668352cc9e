/** What a page section holds (its charts, its tables, sentences in place of what is missing) and its answers. */
import type { Chart } from './charts.ts';

export interface Table {
  readonly caption: string;
  readonly head: string[];
  readonly rows: string[][];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  readonly charts: Chart[];
  /** Sentences in place of what is missing. */
  readonly notes: string[];
  readonly tables: Table[];
}

/** One question the page answers first (reports/answers.ts). */
export interface Answer {
  readonly question: string;
  /** The answer in a short sentence, shown first. */
  readonly lead: string;
  /** The figures behind it and the caveats. */
  readonly detail: string;
}
