import { useMemo, useState } from "react";
import type { Json } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { downloadText } from "./downloadText.ts";
import { Heatmap } from "./Heatmap.tsx";
import { heatmapGrid } from "./heatmapGrid.ts";
import { LineChart } from "./LineChart.tsx";
import { lineSeries, timeColumn } from "./lineSeries.ts";
import { numberColumns } from "./numberColumns.ts";
import { PREFERRED_METRICS } from "./preferredMetrics.ts";
import { resultSummary } from "./resultSummary.ts";
import type { ResultTable } from "./resultTables.ts";
import { resultTables, tableLabel } from "./resultTables.ts";
import { SortableTable } from "./SortableTable.tsx";
import { tableCsv } from "./tableCsv.ts";

/** More lines than this over time is a tangle: the chart shows their mean instead. */
const MAX_LINES = 8;


/** A done job's result: downloads, a heatmap over two swept parameters, a line chart over time, and the sortable table. */
export function ResultView({ jobId, result, params }: { jobId: string; result: Json; params: string[] }) {
  const tables = useMemo(() => resultTables(result, params), [result, params]);
  const [index, setIndex] = useState(0);
  const table = tables[Math.min(index, tables.length - 1)]!;
  const summary = useMemo(() => resultSummary(result), [result]);
  const csvName = `${jobId}${table.path === "$" ? "" : `-${table.path.slice(2).replaceAll(".", "-")}`}.csv`;

  return (
    <section className="card" aria-labelledby="result-heading">
      <div className="card-head">
        <h2 id="result-heading">Result</h2>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => downloadText(`${jobId}.json`, `${canonicalJson(result)}\n`, "application/json")} data-testid="download-json">
            Download JSON
          </button>
          <button type="button" className="secondary" onClick={() => downloadText(csvName, tableCsv(table), "text/csv")} data-testid="download-csv">
            Download CSV
          </button>
        </div>
      </div>
      {summary.length > 0 && (
        <dl className="summary" data-testid="result-summary">
          {summary.map(([name, json]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>
                <code>{json}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {tables.length > 1 && (
        <label className="inline">
          Table{" "}
          <select value={index} onChange={(e) => setIndex(Number(e.target.value))} data-testid="table-select">
            {tables.map((t, i) => (
              <option key={t.path} value={i}>
                {tableLabel(t.path)} ({t.rows.length} rows)
              </option>
            ))}
          </select>
        </label>
      )}
      <Charts key={table.path} table={table} params={params} />
      <SortableTable table={table} />
    </section>
  );
}

function Charts({ table, params }: { table: ResultTable; params: string[] }) {
  const swept = params.filter((name) => table.columns.includes(name) && new Set(table.rows.map((row) => row[name])).size > 1);
  const time = timeColumn(table.columns, table.rows);
  const metrics = numberColumns(table.columns, table.rows).filter((column) => !params.includes(column) && column !== time);
  const [x, setX] = useState(swept[0]);
  const [y, setY] = useState(swept[1]);
  const [metric, setMetric] = useState(PREFERRED_METRICS.find((m) => metrics.includes(m)) ?? metrics[0]);
  const grid = useMemo(() => (x && y && metric && x !== y ? heatmapGrid(table.rows, x, y, metric) : undefined), [table, x, y, metric]);
  const sweptKey = swept.join();
  const lines = useMemo(() => (time && metric ? linesOverTime(table, time, metric, sweptKey ? sweptKey.split(",") : []) : undefined), [table, time, metric, sweptKey]);
  const one = !time && swept.length === 1 && table.rows.every((row) => typeof row[swept[0]!] === "number") ? swept[0] : undefined;
  const curve = useMemo(() => (one && metric ? lineSeries(table.rows, one, metric, []) : undefined), [table, one, metric]);
  if (!metric) return null;

  const select = (label: string, value: string | undefined, options: string[], set: (v: string) => void, testId: string) => (
    <label className="inline">
      {label}{" "}
      <select value={value} onChange={(e) => set(e.target.value)} data-testid={testId}>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="charts">
      <div className="chart-controls">
        {select("Metric", metric, metrics, setMetric, "metric-select")}
        {swept.length >= 2 && !time && select("x", x, swept, setX, "heatmap-x")}
        {swept.length >= 2 && !time && select("y", y, swept, setY, "heatmap-y")}
      </div>
      {!time && swept.length >= 2 && (grid ? <Heatmap grid={grid} x={x!} y={y!} metric={metric} averaged={swept.length > 2} /> : <p className="muted">Pick two different parameters for the heatmap.</p>)}
      {lines && lines.lines.length > 0 && <LineChart data={lines} time testId="line-chart" />}
      {curve && curve.lines.length > 0 && (
        <figure className="chart-figure">
          <LineChart data={curve} time={false} testId="sweep-chart" />
          <figcaption className="muted small">
            {metric} by {one}
            {table.rows.length > curve.xs.length ? " (mean over the other rows)" : ""}
          </figcaption>
        </figure>
      )}
    </div>
  );
}

/**
 * The metric over time: one line when each time has one row (a walk-forward's folds), else one
 * line per swept point, and past MAX_LINES points one line of their mean.
 */
function linesOverTime(table: ResultTable, time: string, metric: string, swept: string[]) {
  const each = lineSeries(table.rows, time, metric, swept);
  if (each.xs.length === table.rows.length) return lineSeries(table.rows, time, metric, []);
  if (each.lines.length <= MAX_LINES) return each;
  const mean = lineSeries(table.rows, time, metric, []);
  return { xs: mean.xs, lines: mean.lines.map((line) => ({ ...line, label: `${metric}, mean of ${each.lines.length} parameter points` })) };
}
