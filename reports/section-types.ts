/** What a page section holds: its charts, its tables, and sentences in place of what is missing. */
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
