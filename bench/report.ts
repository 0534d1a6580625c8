import type { LoadResult } from './load';

export type ServerName = 'service' | 'service, 2 workers' | 'baseline';

export interface Row {
  scenario: string;
  server: ServerName;
  /** Scenarios the baseline also runs are compared (service req/s ÷ baseline req/s, medians). */
  comparable: boolean;
  /** Issue 13's targets apply (all but the floor, which only shows what an empty request costs). */
  judged: boolean;
  /** One per run: the bench alternates service and baseline runs, so a slow moment of the machine hits both. */
  results: LoadResult[];
}

/** The targets of issue 13; they apply to the single-process service's rows (the baseline is the yardstick). */
export const TARGETS = {
  /** Service req/s ÷ baseline req/s, by scenario. */
  minShareOfBaseline: { 'get party': 0.8, 'join+leave churn': 0.7 } as Record<string, number>,
  maxP99Ms: { 'get party': 30 } as Record<string, number>,
  defaultMaxP99Ms: 50,
  maxErrors: 0,
  maxPeakRssMb: 200,
};

const mark = (ok: boolean) => (ok ? 'ok' : 'MISS');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** min / median / max, or the one value of a single run. */
function spread(values: number[], digits = 0): string {
  const format = (value: number) => value.toFixed(digits);
  if (values.length === 1) return format(values[0]);
  return `${format(Math.min(...values))} / ${format(median(values))} / ${format(Math.max(...values))}`;
}

const requestsPerSecond = (row: Row) => median(row.results.map((result) => result.requestsPerSecond));

function ratioOf(row: Row, rows: Row[]): number | null {
  if (row.server !== 'service' || !row.comparable) return null;
  const baseline = rows.find((other) => other.server === 'baseline' && other.scenario === row.scenario);
  return baseline && requestsPerSecond(baseline) > 0 ? requestsPerSecond(row) / requestsPerSecond(baseline) : null;
}

/** One row's cells; a single-process service cell carries "ok"/"MISS" against its target. */
function cells(row: Row, rows: Row[]): string[] {
  const judged = row.judged && row.server === 'service';
  const withMark = (text: string, ok: boolean) => (judged ? `${text} ${mark(ok)}` : text);
  const p99s = row.results.map((result) => result.p99Ms);
  const errors = row.results.reduce((sum, result) => sum + result.errors, 0);
  const rss = Math.max(...row.results.map((result) => result.peakRssMb));
  const ratio = ratioOf(row, rows);
  const share = TARGETS.minShareOfBaseline[row.scenario];
  return [
    row.scenario,
    row.server,
    String(row.results.length),
    spread(row.results.map((result) => result.requestsPerSecond)),
    spread(row.results.map((result) => result.p50Ms)),
    spread(row.results.map((result) => result.cpuMicrosPerRequest)),
    withMark(spread(p99s), median(p99s) <= (TARGETS.maxP99Ms[row.scenario] ?? TARGETS.defaultMaxP99Ms)),
    withMark(String(errors), errors <= TARGETS.maxErrors),
    withMark(rss.toFixed(0), rss <= TARGETS.maxPeakRssMb),
    ratio === null ? '' : `${ratio.toFixed(2)}${share === undefined ? '' : ` ${mark(ratio >= share)}`}`,
  ];
}

/** The results as one Markdown table (readable in a terminal, pasteable into BENCHMARKS.md). */
export function formatTable(rows: Row[]): string {
  const header = ['scenario', 'server', 'runs', 'req/s min / median / max', 'p50 ms', 'CPU µs/req', 'p99 ms', 'errors', 'peak RSS MB', 'service ÷ baseline'];
  const body = rows.map((row) => cells(row, rows));
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((line) => line[i].length)));
  const numeric = (i: number) => i >= 2;
  const line = (values: string[]) => `| ${values.map((v, i) => (numeric(i) ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  const shares = Object.entries(TARGETS.minShareOfBaseline)
    .map(([scenario, share]) => `${scenario} >= ${share}`)
    .join(', ');
  const targets =
    `Targets (judged on the single-process service's rows, medians): req/s ÷ baseline ${shares}; p99 <= ${TARGETS.maxP99Ms['get party']} ms for get party, ` +
    `<= ${TARGETS.defaultMaxP99Ms} ms otherwise; errors = ${TARGETS.maxErrors}; peak RSS <= ${TARGETS.maxPeakRssMb} MB. "MISS" marks a target not met.`;
  return [line(header), rule, ...body.map(line), '', targets].join('\n');
}

/** Status codes and sample error bodies of the rows that had any errors. */
export function formatErrors(rows: Row[]): string {
  const failing = rows.flatMap((row) => row.results.filter((result) => result.errors > 0).map((result) => ({ row, result })));
  if (failing.length === 0) return 'No errors in any scenario.';
  return failing
    .map(({ row, result }) => {
      const codes = Object.entries(result.statusCodes)
        .map(([code, count]) => `${code}: ${count}`)
        .join(', ');
      const samples = result.errorSamples.map((sample) => `    ${sample}`).join('\n');
      const socket = result.socketErrors > 0 ? `, ${result.socketErrors} socket errors or timeouts` : '';
      return `${row.scenario} / ${row.server}: ${result.errors} errors (status counts ${codes}${socket})\n${samples}`;
    })
    .join('\n');
}
