/**
 * How figures read on the page: three significant digits, milliseconds below one second and seconds above,
 * thousands separators on counts. One place, so the summary sentences, tables and chart captions agree.
 */

/** 0.19 → "0.19 ms", 52.4 → "52.4 ms", 2902 → "2.9 s"; null → "–". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (Math.abs(ms) >= 1000) return `${sig(ms / 1000)} s`;
  return `${sig(ms)} ms`;
}

/** 37323 → "37,323"; null → "–". */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return grouped.format(Math.round(n));
}

/** A fraction as a percentage: 0.0123 → "1.23%", 0 → "0%"; null → "–". */
export function formatRate(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '–';
  return `${sig(r * 100)}%`;
}

/** A plain number with three significant digits (ratios, cores): 0.3412 → "0.341". */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return sig(x);
}

/** A value in the unit its key names (…Ms, …Rate, counts): how tables show summary figures. */
export function formatByKey(key: string, x: number | null | undefined): string {
  if (/Ms$/.test(key)) return formatMs(x);
  if (/Rate$/.test(key)) return formatRate(x);
  if (/(Cores|Ratio)$/.test(key)) return formatNumber(x);
  return Number.isInteger(x) ? formatCount(x) : formatNumber(x);
}

/** A relative change, signed: 0.123 → "+12.3%". */
export function formatChange(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return '–';
  return `${fraction > 0 ? '+' : ''}${sig(fraction * 100)}%`;
}

/** "2026-11-25T14:35:39.915Z" → "2026-11-25 14:35 UTC". */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "5 additions" / "1 addition". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A range of sample counts as a caption states it: [5, 5] → "5", [374, 420] → "374–420". */
export function countRange(ns: readonly number[]): string {
  if (ns.length === 0) return '0';
  const lo = Math.min(...ns);
  const hi = Math.max(...ns);
  return lo === hi ? formatCount(lo) : `${formatCount(lo)}–${formatCount(hi)}`;
}

// One formatter for all: toLocaleString builds a new one per call, which dominated rendering a site.
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

function sig(x: number): string {
  return grouped.format(Number(x.toPrecision(3)));
}
