import { useMemo, useState } from "react";
import { describeError } from "../api/useApi.ts";
import { Notice } from "../components/Notice.tsx";
import { Stat } from "../components/Stat.tsx";
import { LineChart } from "../results/LineChart.tsx";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";
import { useSession } from "../shell/SessionContext.ts";
import { equityCurve, metricByVersion } from "./liveHistory.ts";
import type { LiveChain } from "./useLiveChain.ts";

/**
 * A live job's chain on its page: the version shown and how many of its tasks were reused, what the
 * chain does now (running, waiting for the next append, stopped, or a broken stream), Stop live,
 * the best metric over versions, and one row per finished version.
 */
export function LivePanel({ id, chain }: { id: string; chain: LiveChain }) {
  const { client } = useSession();
  const [stopping, setStopping] = useState<string>();
  const chart = useMemo(() => metricByVersion(chain.rows), [chain.rows]);
  const latest = chain.latest;
  const curve = useMemo(() => equityCurve(latest?.result), [latest]);
  const stop = () => {
    setStopping("Stopping…");
    client.stopLive(id).then(
      () => setStopping(undefined),
      (failure: unknown) => setStopping(`Cannot stop: ${describeError(failure)}`),
    );
  };
  const ending = chain.phase === "running" || chain.phase === "waiting";

  return (
    <section className="card live-panel" aria-labelledby="live-heading" data-testid="live-panel">
      <div className="card-head">
        <h2 id="live-heading">Live</h2>
        <span className={`badge badge-${chain.phase === "stopped" ? "cancelled" : chain.phase === "error" ? "failed" : "running"}`} data-testid="live-phase">
          {chain.phase}
        </span>
        {ending && (
          <button type="button" className="danger" onClick={stop} disabled={stopping === "Stopping…"} data-testid="stop-live">
            Stop live
          </button>
        )}
        {stopping && stopping !== "Stopping…" && <span className="error">{stopping}</span>}
      </div>
      <p className="muted" role="status" data-testid="live-state">
        {stateText(chain)}
      </p>
      {chain.phase === "error" && <Notice kind="error">Lost the live stream: {chain.error}. Reload the page to follow the chain again.</Notice>}
      <div className="stats">
        <Stat label="Version shown" value={latest ? String(latest.version) : "—"} testId="live-version" />
        <Stat label="Reused in it" value={latest ? `${latest.reused} of ${latest.total} tasks` : "—"} testId="live-reused" />
        <Stat label="Its job" value={latest ? latest.jobId : "—"} testId="live-job" />
      </div>
      {curve && latest && (
        <figure className="chart-figure">
          {/* Redrawn in place for each version (same height, so the page does not jump), its last point the newest bar. */}
          <LineChart data={curve} time height={220} testId="live-equity-chart" />
          <figcaption className="muted small" data-testid="live-equity-caption">
            Equity of the best parameters ({bestText(latest)}), version {latest.version}: growth of 1 invested at the first bar, {curve.xs.length} points
          </figcaption>
        </figure>
      )}
      {chart && (
        <figure className="chart-figure">
          <LineChart data={chart} time={false} wholeX height={180} testId="live-metric-chart" />
          <figcaption className="muted small">{chart.lines[0]!.label} by dataset version</figcaption>
        </figure>
      )}
      {chain.rows.length > 0 && (
        <div className="table-scroll live-versions">
          <table className="data" data-testid="live-versions">
            <thead>
              <tr>
                <th className="num">Version</th>
                <th>Job</th>
                <th>Status</th>
                <th className="num">Reused</th>
                <th>Best</th>
              </tr>
            </thead>
            <tbody>
              {chain.rows.map((row) => (
                <tr key={row.version}>
                  <td className="num">{row.version}</td>
                  <td>
                    <Link to={routePath({ page: "job", id: row.jobId })}>{row.jobId}</Link>
                  </td>
                  <td>{row.status}</td>
                  <td className="num">
                    {row.reused} / {row.total}
                  </td>
                  <td>{row.best ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The best parameters of a version's result in words (`fast 10 · slow 150`), without its metrics or curve. */
function bestText(version: { result?: unknown }): string {
  const best = (version.result as { best?: Record<string, unknown> } | undefined)?.best ?? {};
  const params = Object.entries(best).filter(([name, value]) => name !== "key" && name !== "sharpe" && name !== "equity" && typeof value === "number");
  return params.map(([name, value]) => `${name} ${String(value)}`).join(" · ") || "best";
}

function stateText(chain: LiveChain): string {
  const version = chain.latest?.version;
  switch (chain.phase) {
    case "running":
      return "Running the first version; its result shows here when it is done.";
    case "waiting":
      if (chain.computing) return `Showing version ${version}. Computing version ${chain.computing.version}: the progress above follows it, and its result replaces this one when it is done.`;
      return `Showing version ${version}. Waiting for the next append: each one reruns the job, reusing the tasks whose rows did not change.`;
    case "stopped":
      return version === undefined ? "Stopped before any version finished." : `Stopped. Version ${version} is the last; its result stays below.`;
    case "error":
      return version === undefined ? "The live stream broke." : `The live stream broke; version ${version} is the last shown.`;
    default:
      return "";
  }
}
