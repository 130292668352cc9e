/**
 * Long text on a page, folded: a failed variant's error can be a 60-line Go panic, which raw in a table cell
 * or an answer would drown the page. The first lines are shown; the rest goes in a <details> (templates).
 */
export interface Folded {
  /** What is always shown: the first lines, at most maxChars. */
  readonly head: string;
  /** The remainder, shown on request; null when the text fits. */
  readonly rest: string | null;
  /** Lines in the remainder, for the <summary>. */
  readonly restLines: number;
}

export function fold(text: string, maxLines = 3, maxChars = 300): Folded {
  const lines = text.split('\n');
  let head = lines.slice(0, maxLines).join('\n');
  if (head.length > maxChars) head = head.slice(0, maxChars);
  if (head.length === text.length) return { head, rest: null, restLines: 0 };
  const rest = text.slice(head.length).replace(/^\n/, '');
  return { head: `${head}…`, rest, restLines: rest.split('\n').length };
}

/** One line of at most maxChars: the first line of each of several texts, for a sentence that quotes them. */
export function firstLines(texts: readonly string[], maxChars = 200): string {
  return texts
    .map((t) => {
      const line = t.split('\n')[0]!;
      return line.length > maxChars || line.length < t.length
        ? `${line.slice(0, maxChars)}… (in full in the SLO verdicts table)`
        : line;
    })
    .join('; ');
}
