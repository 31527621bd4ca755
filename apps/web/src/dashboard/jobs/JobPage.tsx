import { useEffect, useMemo, useRef, useState } from "react";
import type { JobView, PeerView } from "@shoal/client";
import { durationText } from "@shoal/protocol";
import { formatDuration } from "../../donor/format.ts";
import { describeError, useApi } from "../api/useApi.ts";
import { Notice } from "../components/Notice.tsx";
import { ProgressBar } from "../components/ProgressBar.tsx";
import { Stat } from "../components/Stat.tsx";
import { StatusBadge } from "../components/StatusBadge.tsx";
import { formatTime } from "../components/formatTime.ts";
import { LuaEditor } from "../editor/LuaEditor.tsx";
import { VolunteerHint } from "../peers/VolunteerHint.tsx";
import { ResultView } from "../results/ResultView.tsx";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";
import { useSession } from "../shell/SessionContext.ts";
import { navigate } from "../shell/useRoute.ts";
import { splitText } from "./parseJobForm.ts";
import { progressEstimate } from "./progressEstimate.ts";
import { shoalRunCommand } from "./shoalRunCommand.ts";
import { useJobProgress } from "./useJobProgress.ts";
import { LivePanel } from "../live/LivePanel.tsx";
import { useLiveChain } from "../live/useLiveChain.ts";
import type { LiveVersion } from "@shoal/client";
import { LineMessage } from "../components/LineMessage.tsx";
import { PartialResultCard } from "../tasks/PartialResultCard.tsx";
import { volunteersText } from "../compare/volunteersText.ts";
import { TaskTable } from "../tasks/TaskTable.tsx";
import { TaskTimeline } from "../tasks/TaskTimeline.tsx";

/** One job, live: progress with throughput and ETA, the peers on it, cancel; then its result, or its Lua error on its line. */
export function JobPage({ id }: { id: string }) {
  const own = useJobProgress(id);
  const job = own.job;
  // A job whose view said it is live stays followed as one on this page (its chain may stop while it is open).
  const [liveId, setLiveId] = useState<string>();
  if (job?.live && liveId !== id) setLiveId(id);
  const chain = useLiveChain(id, liveId === id);
  // A live job's progress, timeline and tasks describe the version being computed, or the newest one finished.
  const shownId = chain.computing?.jobId ?? chain.latest?.jobId ?? id;
  const followed = useJobProgress(shownId === id ? undefined : shownId);
  // While the next version's view loads, the previous one shown on this page stays (no flash of the first job).
  const held = useRef<{ page: string; job: JobView }>(undefined);
  if (followed.job) held.current = { page: id, job: followed.job };
  const { job: progressJob, samples, error } = shownId === id ? own : { ...followed, job: followed.job ?? (held.current?.page === id ? held.current.job : job) };
  const shownVersion = chain.computing?.jobId === shownId ? chain.computing.version : chain.latest?.version;
  const active = job?.status === "queued" || job?.status === "running";
  const progressActive = progressJob?.status === "queued" || progressJob?.status === "running";
  const now = useNow(progressActive ? 1000 : undefined);
  const script = useApi((client) => client.getJobScript(id), [id]);
  const progressId = progressJob?.id ?? id;
  const peers = useApi((client) => (progressActive ? client.listPeers() : Promise.resolve(undefined)), [progressId, progressActive], { refreshMs: 2000 });
  const volunteers = useApi((client) => client.getVolunteerCounts(progressId), [progressId, progressActive], progressActive ? { refreshMs: 2000 } : {});

  if (!job || !progressJob) return own.error ? <Notice kind="error">Cannot load job {id}: {own.error}</Notice> : <Notice kind="loading">Loading job…</Notice>;
  const live = progressEstimate(samples, progressJob.tasks.total, now);
  const tookMs = progressJob.finishedAt ? Date.parse(progressJob.finishedAt) - Date.parse(progressJob.createdAt) : undefined;
  // Reused tasks were done before the job started: its throughput counts the tasks that ran.
  const ran = progressJob.tasks.done - (progressJob.tasks.reused ?? 0);
  const tasksPerSecond = progressActive ? live.tasksPerSecond : tookMs && ran > 0 ? ran / (tookMs / 1000) : undefined;
  const etaMs = live.etaMs;
  const fraction = progressJob.tasks.total ? progressJob.tasks.done / progressJob.tasks.total : 0;

  return (
    <>
      <div className="page-head">
        <h1>
          {job.spec.title ?? "Job"} <code className="job-id">{job.id}</code>
        </h1>
        <StatusBadge status={job.status} />
        <button type="button" className="secondary" onClick={() => navigate(routePath({ page: "new-job", from: id }))} data-testid="edit-job">
          {job.status === "failed" ? "Fix and resubmit" : "Edit as new job"}
        </button>
        {active && <CancelButton id={id} />}
      </div>
      {own.error && <Notice kind="error">Lost the progress stream: {own.error}</Notice>}
      {error && error !== own.error && <Notice kind="error">Lost the progress stream of job {progressJob.id}: {error}</Notice>}
      <section className="card" aria-label="Progress">
        {progressJob.id !== id && (
          <p className="muted" data-testid="progress-version">
            Version {shownVersion ?? "—"} · job <Link to={routePath({ page: "job", id: progressJob.id })}>{progressJob.id}</Link> ({progressJob.status})
          </p>
        )}
        <ProgressBar value={fraction} label={`${Math.floor(fraction * 100)} % · ${progressJob.tasks.done}/${progressJob.tasks.total} tasks`} testId="job-progress" />
        <div className="stats">
          {progressActive && <Stat label="Assigned to peers" value={String(progressJob.tasks.running)} />}
          {progressActive && <Stat label="Queued" value={String(progressJob.tasks.queued + progressJob.tasks.waiting)} />}
          {!progressActive && progressJob.status !== "done" && <Stat label="Never finished" value={`${progressJob.tasks.total - progressJob.tasks.done} tasks`} />}
          {progressJob.tasks.reused !== undefined && <Stat label="Reused from earlier jobs" value={`${progressJob.tasks.reused} of ${progressJob.tasks.total} tasks`} testId="job-reused" />}
          <Stat label="Throughput" value={tasksPerSecond === undefined ? "—" : `${tasksPerSecond.toFixed(1)} tasks/s`} testId="throughput" />
          <Stat label={progressActive ? "ETA" : "Took"} value={progressActive ? (etaMs === undefined ? "—" : formatDuration(etaMs)) : tookMs === undefined ? "—" : formatDuration(tookMs)} testId="eta" />
          <Stat label="Results accepted" value={`${progressJob.results.accepted}${progressJob.results.rejected ? ` (${progressJob.results.rejected} rejected)` : ""}`} />
          <Stat label="Volunteers" value={volunteers.data ? volunteersText(volunteers.data, !progressActive) : "—"} testId="job-volunteers" />
          {progressActive && <JobPeers id={progressJob.id} peers={peers.data} />}
        </div>
      </section>
      {chain.phase !== "checking" && chain.phase !== "not-live" && <LivePanel id={id} chain={chain} />}
      {progressActive && <VolunteerHint peers={peers.data} engine={job.spec.engine} />}
      {active && job.unconfirmedError && <UnconfirmedError job={job} />}
      {job.status === "failed" && job.error && <JobError job={job} script={script.data} />}
      {job.status === "cancelled" && <Notice kind="empty">This job was cancelled; it has no result.</Notice>}
      {active && <PartialResultCard job={job} />}
      {(job.status === "done" || chain.latest?.result !== undefined) && <JobResult job={job} live={chain.latest} />}
      <TaskTimeline id={progressJob.id} active={progressActive} />
      <TaskTable id={progressJob.id} active={progressActive} />
      <JobFacts job={job} />
      {job.status !== "failed" && script.data !== undefined && (
        <details className="card">
          <summary>Script ({job.spec.scriptBytes} bytes)</summary>
          <LuaEditor value={script.data} readOnly label="Job script" />
        </details>
      )}
    </>
  );
}

function CancelButton({ id }: { id: string }) {
  const { client } = useSession();
  const [state, setState] = useState<string>();
  const cancel = () => {
    setState("Cancelling…");
    client.cancelJob(id).then(
      () => setState(undefined),
      (failure: unknown) => setState(`Cannot cancel: ${describeError(failure)}`),
    );
  };
  return (
    <>
      <button type="button" className="danger" onClick={cancel} disabled={state === "Cancelling…"} data-testid="cancel">
        Cancel job
      </button>
      {state && state !== "Cancelling…" && <span className="error">{state}</span>}
    </>
  );
}

function JobPeers({ id, peers }: { id: JobView["id"]; peers: PeerView[] | undefined }) {
  const on = peers?.filter((peer) => peer.jobs.includes(id));
  return <Stat label="Peers on it" value={on ? `${on.length} (${on.reduce((sum, p) => sum + p.threads, 0)} threads)` : "—"} testId="job-peers" />;
}

/** A Lua error short of the job's quorum: shown at once, while other volunteers confirm or refute it. */
function UnconfirmedError({ job }: { job: JobView }) {
  const error = job.unconfirmedError!;
  const reporters = `${error.reporters} volunteer${error.reporters === 1 ? "" : "s"}`;
  return (
    <div className="notice notice-error" role="alert" data-testid="unconfirmed-error">
      <strong>
        Error reported by {reporters}, confirming ({job.quorum} needed):
      </strong>{" "}
      {error.message}
    </div>
  );
}

function JobError({ job, script }: { job: JobView; script: string | undefined }) {
  const error = job.error!;
  return (
    <section className="card failed" aria-labelledby="error-heading">
      <h2 id="error-heading">{error.kind === "runtime" || error.kind === "syntax" ? "Lua error" : "Failed"}</h2>
      <p className="error" data-testid="job-error-message">
        <LineMessage message={error.message} line={error.line} />
      </p>
      {error.traceback && (
        <pre className="traceback" data-testid="traceback">
          {error.traceback}
        </pre>
      )}
      {script !== undefined && <LuaEditor value={script} readOnly errorAt={error.line} label="Job script" />}
    </section>
  );
}

/**
 * The job's result, or for a live job its newest version's: the same view takes each version's
 * result in place, so its charts, chosen metric and scroll stay as versions arrive.
 */
function JobResult({ job, live }: { job: JobView; live: LiveVersion | undefined }) {
  const own = job.status === "done" && live?.result === undefined;
  const result = useApi((client) => (own ? client.getResult(job.id) : Promise.resolve(undefined)), [job.id, own]);
  const params = useMemo(() => Object.keys(job.spec.params), [job.spec.params]);
  if (live?.result !== undefined) return <ResultView jobId={live.jobId} result={live.result} params={params} />;
  if (result.error) return <Notice kind="error">Cannot load the result: {result.error}</Notice>;
  if (result.data === undefined) return <Notice kind="loading">Loading the result…</Notice>;
  return <ResultView jobId={job.id} result={result.data} params={params} />;
}

function JobFacts({ job }: { job: JobView }) {
  const dataset = useApi((client) => client.getDataset(job.dataset), [job.dataset]);
  return (
    <dl className="facts" data-testid="job-facts">
      <dt>Dataset</dt>
      <dd>
        <Link to={routePath({ page: "dataset", id: job.dataset })}>{dataset.data?.name ?? job.dataset}</Link>
        {dataset.data && <span className="muted"> ({dataset.data.series.length} series, {dataset.data.rows} rows)</span>}
      </dd>
      <dt>Parameters</dt>
      <dd>{Object.entries(job.spec.params).map(([name, values]) => `${name}=${values.join(",")}`).join(" · ") || "none"} ({job.spec.points} {job.spec.points === 1 ? "point" : "points"})</dd>
      <dt>Split</dt>
      <dd>
        {splitText(job.spec.split)}, halo {job.spec.halo}, {job.spec.batchSize} points per task
      </dd>
      <dt>Engine</dt>
      <dd>
        {job.spec.engine}, {job.spec.hasReduce ? "map + reduce" : "map only"}, replicas {job.replicas} / quorum {job.quorum}
        {job.spec.seed !== 0 && `, seed ${job.spec.seed}`}
        {job.spec.deadlineMs !== undefined && `, deadline ${durationText(job.spec.deadlineMs)} per task`}
      </dd>
      <dt>Run locally</dt>
      <dd>
        <code data-testid="run-command">{shoalRunCommand(job.spec, "job.lua", `${dataset.data?.name ?? "data"}.csv`)}</code>
      </dd>
      <dt>Created</dt>
      <dd>{formatTime(job.createdAt)}</dd>
      {job.finishedAt && (
        <>
          <dt>Finished</dt>
          <dd>{formatTime(job.finishedAt)}</dd>
        </>
      )}
    </dl>
  );
}

/** The clock, ticking every `ms` while given, so ETAs count down between events. */
function useNow(ms: number | undefined): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!ms) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return ms ? now : Date.now();
}
