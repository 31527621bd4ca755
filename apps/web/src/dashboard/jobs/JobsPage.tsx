import { useMemo, useState } from "react";
import type { JobView } from "@shoal/client";
import { formatDuration } from "../../donor/format.ts";
import { Notice } from "../components/Notice.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatTime } from "../components/formatTime.ts";
import { useApi } from "../api/useApi.ts";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";
import type { StatusFilter } from "./filterJobs.ts";
import { filterJobs } from "./filterJobs.ts";

const STATUS_FILTERS: Record<StatusFilter, string> = { all: "All", active: "Queued or running", done: "Done", failed: "Failed", cancelled: "Cancelled" };

/** Every job, newest first, with its name, dataset, live status, progress and duration; filtered by status and searched by text. */
export function JobsPage() {
  const { data: jobs, error, loading } = useApi((client) => client.listJobs({ limit: 200 }), [], { refreshMs: 2000 });
  const datasets = useApi((client) => client.listDatasets(), []);
  const [status, setStatus] = useState<StatusFilter>("all");
  const [text, setText] = useState("");
  const names = useMemo(() => new Map(datasets.data?.map((d) => [d.id, d.name]) ?? []), [datasets.data]);
  const shown = jobs ? filterJobs(jobs, status, text, names) : undefined;
  const [picked, setPicked] = useState<string[]>([]);
  const pick = (id: string, on: boolean) => setPicked((ids) => (on ? [...ids.filter((x) => x !== id), id].slice(-2) : ids.filter((x) => x !== id)));
  return (
    <>
      <div className="page-head">
        <h1>Jobs</h1>
        <Link to={routePath({ page: "new-job" })} className="button">
          New job
        </Link>
      </div>
      {error && <Notice kind="error">Cannot list jobs: {error}</Notice>}
      {!jobs && loading && <Notice kind="loading">Loading jobs…</Notice>}
      {jobs && jobs.length === 0 && (
        <Notice kind="empty">
          No jobs yet. <Link to={routePath({ page: "new-job" })}>Start one from a template</Link> — the SMA-crossover sweep runs on the bundled S&amp;P 500 sample.
        </Notice>
      )}
      {jobs && jobs.length > 0 && (
        <div className="filters">
          <label className="field">
            <span>Status</span>
            <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)} data-testid="jobs-status">
              {Object.entries(STATUS_FILTERS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Search</span>
            <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="name, id, dataset or engine" data-testid="jobs-search" />
          </label>
          <span className="muted small">
            {shown?.length} of {jobs.length} jobs
          </span>
          <CompareLink picked={picked} />
        </div>
      )}
      {shown && jobs && jobs.length > 0 && shown.length === 0 && <Notice kind="empty">No job matches.</Notice>}
      {shown && shown.length > 0 && (
        <div className="table-scroll">
          <table className="data" data-testid="jobs-table">
            <thead>
              <tr>
                <th>
                  <span className="sr-only">Compare</span>
                </th>
                <th>Job</th>
                <th>Dataset</th>
                <th>Status</th>
                <th className="wide">Progress</th>
                <th>Engine</th>
                <th className="num">Points</th>
                <th className="num">Took</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((job) => (
                <tr key={job.id}>
                  <td>
                    <input type="checkbox" checked={picked.includes(job.id)} onChange={(e) => pick(job.id, e.target.checked)} aria-label={`Compare ${job.spec.title ?? job.id}`} data-testid="compare-pick" />
                  </td>
                  <td>
                    <Link to={routePath({ page: "job", id: job.id })}>{job.spec.title ?? job.id}</Link>
                    {job.spec.title !== undefined && <div className="muted small">{job.id}</div>}
                  </td>
                  <td>{names.get(job.dataset) ?? job.dataset}</td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>
                    <ProgressBar value={job.tasks.total ? job.tasks.done / job.tasks.total : 0} label={`${job.tasks.done}/${job.tasks.total}`} />
                  </td>
                  <td>{job.spec.engine}</td>
                  <td className="num">{job.spec.points}</td>
                  <td className="num">{took(job)}</td>
                  <td>{formatTime(job.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Opens the compare view once two jobs are ticked; says how many more to tick before. */
function CompareLink({ picked }: { picked: string[] }) {
  const [a, b] = picked;
  if (a === undefined || b === undefined) return <span className="muted small">{picked.length === 0 ? "Tick two jobs to compare their runs" : "Tick one more job to compare"}</span>;
  return (
    <Link to={routePath({ page: "compare", a, b })} className="button">
      Compare the two
    </Link>
  );
}

/** How long an ended job took; a dash while it runs. */
function took(job: JobView): string {
  return job.finishedAt ? formatDuration(Date.parse(job.finishedAt) - Date.parse(job.createdAt)) : "—";
}
