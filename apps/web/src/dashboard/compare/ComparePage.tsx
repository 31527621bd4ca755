import type { JobView } from "@shoal/client";
import type { Json, VolunteerCounts } from "@shoal/protocol";
import type { ReactNode } from "react";
import { formatDuration } from "../../donor/format.ts";
import { useApi } from "../api/useApi.ts";
import { Notice } from "../components/Notice.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { resultSummary } from "../results/resultSummary.ts";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";
import { compareResults } from "./compareResults.ts";
import { volunteersText } from "./volunteersText.ts";

interface Run {
  job: JobView;
  /** The job's result once it is done. */
  result?: Json;
  /** Distinct volunteers that ran it, from its task history. */
  volunteers: VolunteerCounts;
}

/**
 * Two runs side by side — say the same script on another grid or engine: status, engine, duration,
 * tasks and results, replication, the volunteers that ran it, a summary of each result, and whether the results are equal as
 * canonical JSON (with the first differing path when not). Refreshes until both have ended.
 */
export function ComparePage({ a, b }: { a: string; b: string }) {
  const runs = useApi(async (client): Promise<[Run, Run]> => Promise.all([a, b].map(async (id) => {
    const [job, volunteers] = await Promise.all([client.getJob(id), client.getVolunteerCounts(id)]);
    return job.status === "done" ? { job, volunteers, result: await client.getResult(id) } : { job, volunteers };
  })) as Promise<[Run, Run]>, [a, b], { refreshMs: 3000 });
  const pair = runs.data;
  return (
    <>
      <div className="page-head">
        <h1>Compare runs</h1>
        <Link to={routePath({ page: "jobs" })}>All jobs</Link>
      </div>
      {runs.error && <Notice kind="error">Cannot load both jobs: {runs.error}</Notice>}
      {!pair && runs.loading && <Notice kind="loading">Loading both jobs…</Notice>}
      {pair && <Verdict left={pair[0]} right={pair[1]} />}
      {pair && (
        <div className="table-scroll">
          <table className="data compare" data-testid="compare-table">
            <thead>
              <tr>
                <th />
                {pair.map(({ job }, i) => (
                  <th key={i}>
                    <Link to={routePath({ page: "job", id: job.id })}>{job.spec.title ?? job.id}</Link>
                    {job.spec.title !== undefined && <div className="muted small">{job.id}</div>}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <Row label="Status" cells={pair.map(({ job }) => <StatusBadge status={job.status} />)} />
              <Row label="Engine" cells={pair.map(({ job }) => job.spec.engine)} />
              <Row label="Dataset" cells={pair.map(({ job }) => job.dataset)} />
              <Row label="Points" cells={pair.map(({ job }) => String(job.spec.points))} />
              <Row label="Tasks done" cells={pair.map(({ job }) => `${job.tasks.done} of ${job.tasks.total}`)} />
              <Row label="Replicas / quorum" cells={pair.map(({ job }) => `${job.replicas} / ${job.quorum}`)} />
              <Row label="Volunteers" cells={pair.map(({ job, volunteers }) => <span data-testid="compare-volunteers">{volunteersText(volunteers, job.finishedAt !== null)}</span>)} />
              <Row label="Results accepted" cells={pair.map(({ job }) => `${job.results.accepted} (${job.results.rejected} rejected)`)} />
              <Row label="Took" cells={pair.map(({ job }) => (job.finishedAt ? formatDuration(Date.parse(job.finishedAt) - Date.parse(job.createdAt)) : "—"))} />
              <Row label="Result" cells={pair.map((run) => <Summary run={run} />)} />
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function Row({ label, cells }: { label: string; cells: ReactNode[] }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      {cells.map((cell, i) => (
        <td key={i}>{cell}</td>
      ))}
    </tr>
  );
}

function Summary({ run }: { run: Run }) {
  if (run.result === undefined) return <span className="muted">{run.job.status === "done" ? "—" : `none yet (${run.job.status})`}</span>;
  const lines = resultSummary(run.result);
  if (lines.length === 0) return <span className="muted">{JSON.stringify(run.result).length.toLocaleString()} bytes of JSON</span>;
  return (
    <ul className="compare-summary">
      {lines.map(([name, text]) => (
        <li key={name}>
          <strong>{name}</strong> {text}
        </li>
      ))}
    </ul>
  );
}

/** Equal or not, in one line above the table; nothing to say until both are done. */
function Verdict({ left, right }: { left: Run; right: Run }) {
  if (left.result === undefined || right.result === undefined) return <Notice kind="empty">The results are compared once both jobs are done.</Notice>;
  const comparison = compareResults(left.result, right.result);
  if (comparison.equal) {
    return (
      <p className="verdict verdict-equal" data-testid="compare-verdict">
        The results are equal (as canonical JSON).
      </p>
    );
  }
  return (
    <p className="verdict verdict-differ" data-testid="compare-verdict">
      The results differ first at <code>{comparison.path}</code>: <code>{comparison.a}</code> vs <code>{comparison.b}</code>.
    </p>
  );
}
