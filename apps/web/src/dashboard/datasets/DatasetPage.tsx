import { useMemo, useState } from "react";
import type { Series } from "@shoal/timeseries";
import { formatBytes } from "../../donor/format.ts";
import { useApi } from "../api/useApi.ts";
import { Notice } from "../components/Notice.tsx";
import { formatDate, formatTime } from "../components/formatTime.ts";
import { formatCell } from "../results/formatCell.ts";
import { LineChart } from "../results/LineChart.tsx";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";
import { useShard } from "./useShard.ts";

const PREVIEW_ROWS = 8;
/** Points drawn per line: enough for the eye, few enough for a phone. */
const CHART_POINTS = 2000;

/** One dataset: its series, and a preview of one series (a chart of a column over time and its first and last rows). */
export function DatasetPage({ id }: { id: string }) {
  const { data: dataset, error } = useApi((client) => client.getDataset(id), [id]);
  const [key, setKey] = useState<string>();
  const series = dataset?.series.find((s) => s.key === key) ?? dataset?.series[0];

  if (error) return <Notice kind="error">Cannot load dataset {id}: {error}</Notice>;
  if (!dataset) return <Notice kind="loading">Loading dataset…</Notice>;
  return (
    <>
      <div className="page-head">
        <h1>{dataset.name}</h1>
        <Link to={routePath({ page: "new-job" })} className="button">
          New job
        </Link>
      </div>
      <dl className="facts">
        <dt>Id</dt>
        <dd>
          <code>{dataset.id}</code>
        </dd>
        <dt>Series</dt>
        <dd>{dataset.series.length}</dd>
        <dt>Rows</dt>
        <dd>{dataset.rows}</dd>
        <dt>Columns</dt>
        <dd>{dataset.columns.join(", ")}</dd>
        <dt>CSV</dt>
        <dd>
          {formatBytes(dataset.bytes)} · sha256 <code className="hash">{dataset.hash.slice(0, 16)}…</code>
        </dd>
        {dataset.createdAt && (
          <>
            <dt>Uploaded</dt>
            <dd>{formatTime(dataset.createdAt)}</dd>
          </>
        )}
      </dl>
      {dataset.series.length === 0 ? (
        <Notice kind="empty">This dataset has no series.</Notice>
      ) : (
        <section className="card" aria-labelledby="preview-heading">
          <div className="card-head">
            <h2 id="preview-heading">Preview</h2>
            {dataset.series.length > 1 && (
              <label className="inline">
                Series{" "}
                <select value={series?.key} onChange={(e) => setKey(e.target.value)}>
                  {dataset.series.map((s) => (
                    <option key={s.key}>{s.key}</option>
                  ))}
                </select>
              </label>
            )}
          </div>
          {series && (
            <p className="muted small">
              {series.key}: {series.rows} rows, {formatDate(series.from)} to {formatDate(series.to)}
            </p>
          )}
          {series && <SeriesPreview hash={series.shard} />}
        </section>
      )}
    </>
  );
}

function SeriesPreview({ hash }: { hash: string }) {
  const { series, error } = useShard(hash);
  const columns = series ? Object.keys(series.columns) : [];
  const [column, setColumn] = useState<string>();
  const shown = column && columns.includes(column) ? column : (columns.find((c) => c === "close") ?? columns[0]);
  const chart = useMemo(() => (series && shown ? thin(series, shown) : undefined), [series, shown]);
  if (error) return <Notice kind="error">Cannot load the series: {error}</Notice>;
  if (!series) return <Notice kind="loading">Loading the series…</Notice>;
  const rows = series.time.length;
  const picked = rows <= PREVIEW_ROWS * 2 ? range(0, rows) : [...range(0, PREVIEW_ROWS), -1, ...range(rows - PREVIEW_ROWS, rows)];
  return (
    <>
      {columns.length > 0 && (
        <label className="inline">
          Column{" "}
          <select value={shown} onChange={(e) => setColumn(e.target.value)} data-testid="preview-column">
            {columns.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      )}
      {chart && <LineChart data={chart} time testId="preview-chart" />}
      <div className="table-scroll">
        <table className="data" data-testid="preview-table">
          <thead>
            <tr>
              <th>time</th>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {picked.map((i) =>
              i < 0 ? (
                <tr key="gap">
                  <td colSpan={columns.length + 1} className="muted">
                    … {rows - PREVIEW_ROWS * 2} more rows …
                  </td>
                </tr>
              ) : (
                <tr key={i}>
                  <td>{formatDate(series.time[i]!)}</td>
                  {columns.map((c) => (
                    <td key={c} className="num">
                      {formatCell(series.columns[c]![i]!)}
                    </td>
                  ))}
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** Every n-th point of a column, so a long series draws quickly. */
function thin(series: Series, column: string) {
  const values = series.columns[column]!;
  const step = Math.max(1, Math.ceil(values.length / CHART_POINTS));
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < values.length; i += step) {
    xs.push(series.time[i]!);
    ys.push(values[i]!);
  }
  return { xs, lines: [{ label: column, values: ys }] };
}
