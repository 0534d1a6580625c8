import type { LoadResult } from './load';

export type ServerName = 'service' | 'baseline';

export interface Row {
  scenario: string;
  server: ServerName;
  /** Scenarios both servers run are compared (service req/s ÷ baseline req/s). */
  comparable: boolean;
  result: LoadResult;
}

/** The targets from the issue; they apply to the service's rows (the baseline is only the yardstick). */
export const TARGETS = {
  minShareOfBaseline: 0.5,
  maxP99Ms: 50,
  maxErrors: 0,
  maxPeakRssMb: 250,
};

const mark = (ok: boolean) => (ok ? 'ok' : 'MISS');

function ratioOf(row: Row, rows: Row[]): number | null {
  if (row.server !== 'service' || !row.comparable) return null;
  const baseline = rows.find((other) => other.server === 'baseline' && other.scenario === row.scenario);
  return baseline && baseline.result.requestsPerSecond > 0 ? row.result.requestsPerSecond / baseline.result.requestsPerSecond : null;
}

/** One row's cells; a service cell carries "ok"/"MISS" against its target. */
function cells(row: Row, rows: Row[]): string[] {
  const { result } = row;
  const judged = row.server === 'service';
  const withMark = (text: string, ok: boolean) => (judged ? `${text} ${mark(ok)}` : text);
  const ratio = ratioOf(row, rows);
  return [
    row.scenario,
    row.server,
    result.requestsPerSecond.toFixed(0),
    String(result.p50Ms),
    withMark(String(result.p99Ms), result.p99Ms <= TARGETS.maxP99Ms),
    withMark(String(result.errors), result.errors <= TARGETS.maxErrors),
    withMark(result.peakRssMb.toFixed(0), result.peakRssMb <= TARGETS.maxPeakRssMb),
    ratio === null ? '' : `${(ratio * 100).toFixed(0)}% ${mark(ratio >= TARGETS.minShareOfBaseline)}`,
  ];
}

/** The results as one Markdown table (readable in a terminal, pasteable into BENCHMARKS.md). */
export function formatTable(rows: Row[]): string {
  const header = ['scenario', 'server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'peak RSS MB', 'service/baseline req/s'];
  const body = rows.map((row) => cells(row, rows));
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((line) => line[i].length)));
  const numeric = (i: number) => i >= 2;
  const line = (values: string[]) => `| ${values.map((v, i) => (numeric(i) ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  const targets =
    `Targets (judged on the service rows): req/s >= ${TARGETS.minShareOfBaseline * 100}% of baseline (get, join+leave), ` +
    `p99 <= ${TARGETS.maxP99Ms} ms, errors = ${TARGETS.maxErrors}, peak RSS <= ${TARGETS.maxPeakRssMb} MB. "MISS" marks a target not met.`;
  return [line(header), rule, ...body.map(line), '', targets].join('\n');
}

/** Status codes and sample error bodies of the rows that had any errors. */
export function formatErrors(rows: Row[]): string {
  const failing = rows.filter((row) => row.result.errors > 0);
  if (failing.length === 0) return 'No errors in any scenario.';
  return failing
    .map((row) => {
      const codes = Object.entries(row.result.statusCodes)
        .map(([code, count]) => `${code}: ${count}`)
        .join(', ');
      const samples = row.result.errorSamples.map((sample) => `    ${sample}`).join('\n');
      const socket = row.result.socketErrors > 0 ? `, ${row.result.socketErrors} socket errors or timeouts` : '';
      return `${row.scenario} / ${row.server}: ${row.result.errors} errors (status counts ${codes}${socket})\n${samples}`;
    })
    .join('\n');
}
