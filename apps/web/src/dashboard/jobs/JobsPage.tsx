import { Notice } from "../components/Notice.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatTime } from "../components/formatTime.ts";
import { useApi } from "../api/useApi.ts";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";

/** Every job, newest first, with live status and progress. */
export function JobsPage() {
  const { data: jobs, error, loading } = useApi((client) => client.listJobs({ limit: 200 }), [], { refreshMs: 2000 });
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
        <div className="table-scroll">
          <table className="data" data-testid="jobs-table">
            <thead>
              <tr>
                <th>Job</th>
                <th>Status</th>
                <th className="wide">Progress</th>
                <th>Points</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id}>
                  <td>
                    <Link to={routePath({ page: "job", id: job.id })}>{job.id}</Link>
                  </td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>
                    <ProgressBar value={job.tasks.total ? job.tasks.done / job.tasks.total : 0} label={`${job.tasks.done}/${job.tasks.total}`} />
                  </td>
                  <td className="num">{job.spec.points}</td>
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
