import type { FormEvent } from "react";
import { useEffect, useMemo, useState } from "react";
import type { PeerView } from "@shoal/client";
import { ShoalApiError } from "@shoal/client";
import type { EngineName } from "@shoal/protocol";
import { DEFAULTS, durationText, gridSize, LIMITS } from "@shoal/protocol";
import { describeError, TOKEN_REFUSED, useApi } from "../api/useApi.ts";
import { Notice } from "../components/Notice.tsx";
import { fetchSampleDataset, SAMPLE_DATASET } from "../datasets/sampleDataset.ts";
import { LuaEditor } from "../editor/LuaEditor.tsx";
import { VolunteerHint, volunteersFor } from "../peers/VolunteerHint.tsx";
import { routePath } from "../shell/parseRoute.ts";
import { useSession } from "../shell/SessionContext.ts";
import { navigate } from "../shell/useRoute.ts";
import { countTasks, definesReduce } from "./countTasks.ts";
import { EngineFields } from "./EngineFields.tsx";
import type { JobTemplate } from "./parseTemplate.ts";
import { budgetText, parseJobForm, splitText } from "./parseJobForm.ts";
import type { TaskPlan } from "./TaskCountLine.tsx";
import { TaskCountLine } from "./TaskCountLine.tsx";
import { unsetParamNames, unsetParamsText } from "./unsetParamNames.ts";
import { TEMPLATES } from "./templates.ts";
import { LineMessage } from "../components/LineMessage.tsx";

const SAMPLE = "sample";
/** Most copies of a task the form offers; the coordinator takes up to 16. */
const MAX_REPLICAS = 5;
const upTo = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));

interface Problem {
  message: string;
  line: number | undefined;
}

/**
 * The job form: a template, the Lua in an editor, the dataset, the parameter grid, split and batch
 * size with the tasks they make, the engine and budget, replicas and quorum; errors point at their
 * line. `?from=JOB` starts from a submitted job (its script, options and error).
 */
export function NewJobPage({ from }: { from?: string | undefined }) {
  const { client, signOut } = useSession();
  const datasets = useApi((c) => c.listDatasets(), []);
  const peers = useApi((c) => c.listPeers(), [], { refreshMs: 5000 });
  const [template, setTemplate] = useState<JobTemplate | undefined>(TEMPLATES[0]);
  const [script, setScript] = useState(TEMPLATES[0]?.script ?? "function map(series, p)\n  return { key = series.key, rows = #series.time }\nend\n");
  const [params, setParams] = useState(TEMPLATES[0]?.params.join("\n") ?? "");
  const [split, setSplit] = useState(TEMPLATES[0]?.split ?? "none");
  const [halo, setHalo] = useState(String(TEMPLATES[0]?.halo ?? 0));
  const [batchSize, setBatchSize] = useState(String(DEFAULTS.batchSize));
  const [engine, setEngine] = useState<EngineName>("fengari");
  const [budget, setBudget] = useState(budgetText(DEFAULTS.budget));
  const [seed, setSeed] = useState("0");
  const [deadline, setDeadline] = useState("");
  const [replicas, setReplicas] = useState("1");
  const [quorum, setQuorum] = useState("1");
  const [picked, setPicked] = useState<string>();
  const [live, setLive] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState<string>();
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    if (!from) return;
    let live = true;
    Promise.all([client.getJob(from), client.getJobScript(from)]).then(
      ([job, text]) => {
        if (!live) return;
        setTemplate(undefined);
        setScript(text);
        setParams(Object.entries(job.spec.params).map(([name, values]) => `${name}=${values.join(",")}`).join("\n"));
        setSplit(splitText(job.spec.split));
        setHalo(String(job.spec.halo));
        setBatchSize(String(job.spec.batchSize));
        if (job.spec.engine === "fengari" || job.spec.engine === "wasmoon") setEngine(job.spec.engine);
        setBudget(budgetText(job.spec.budget));
        setSeed(String(job.spec.seed));
        setDeadline(job.spec.deadlineMs === undefined ? "" : durationText(job.spec.deadlineMs));
        setPicked(job.dataset);
        // From a live job, the new one is live too, on the newest version its chain ran on (appends reach only that one).
        setLive(job.live !== undefined);
        if (job.live && job.live.current !== job.id) {
          client.getJob(job.live.current).then(
            (current) => live && setPicked(current.dataset),
            (failure: unknown) => live && fail(failure),
          );
        }
        const copies = Math.min(MAX_REPLICAS, job.replicas);
        setReplicas(String(copies));
        setQuorum(String(Math.min(copies, job.quorum)));
        if (job.error) setProblem({ message: job.error.message, line: job.error.line });
      },
      (failure: unknown) => live && fail(failure),
    );
    return () => {
      live = false;
    };
    // Loads once, for the job the address named when the page opened.
  }, [client, from]);

  const latestSample = datasets.data?.filter((d) => d.name === SAMPLE_DATASET.name).at(-1);
  const dataset = picked ?? latestSample?.id ?? SAMPLE;
  // Listings count series without listing them; the task count needs the picked dataset's own.
  const details = useApi((c) => (dataset === SAMPLE ? Promise.resolve(undefined) : c.getDataset(dataset)), [dataset]);
  const series = details.data?.id === dataset ? details.data.series : undefined;

  const hasReduce = definesReduce(script);
  const unset = useMemo(() => unsetParamNames(script, params), [script, params]);
  const plan = useMemo((): TaskPlan => {
    // The budget has its own inline error; this line speaks of the grid, split and batch size.
    const form = parseJobForm({ params, split, halo, batchSize, engine, budget: "", seed: "", deadline: "" });
    if (!form.ok) return form;
    const count = series && countTasks(series, { ...form, reduceFanIn: DEFAULTS.reduceFanIn }, hasReduce);
    return { ok: true, points: gridSize(form.params), batchSize: form.batchSize, count };
  }, [params, split, halo, batchSize, engine, series, hasReduce]);

  const choose = (next: JobTemplate) => {
    setTemplate(next);
    setScript(next.script);
    setParams(next.params.join("\n"));
    setSplit(next.split);
    setHalo(String(next.halo));
    setProblem(undefined);
    setChecked(false);
  };

  const fail = (failure: unknown) => {
    if (failure instanceof ShoalApiError && failure.status === 401) signOut(TOKEN_REFUSED);
    setProblem({ message: describeError(failure), line: failure instanceof ShoalApiError ? failure.line : undefined });
  };

  const check = async () => {
    setProblem(undefined);
    setChecked(false);
    try {
      const answer = await client.checkScript(script, engine);
      if (answer.ok) setChecked(true);
      else setProblem({ message: answer.error.message, line: answer.error.line ?? undefined });
    } catch (failure) {
      fail(failure);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setChecked(false);
    const form = parseJobForm({ params, split, halo, batchSize, engine, budget, seed, deadline });
    if (!form.ok) return setProblem({ message: form.error, line: undefined });
    const copies = Number(replicas);
    const spec = {
      script,
      params: form.params,
      split: form.split,
      halo: form.halo,
      batchSize: form.batchSize,
      engine: form.engine,
      budget: form.budget,
      seed: form.seed,
      ...(form.deadlineMs === undefined ? {} : { deadlineMs: form.deadlineMs }),
    };
    try {
      let datasetId = dataset;
      if (dataset === SAMPLE) {
        setBusy("Uploading the sample dataset…");
        datasetId = (await client.uploadDataset(await fetchSampleDataset(), { name: SAMPLE_DATASET.name })).dataset.id;
      }
      setBusy("Submitting…");
      const job = await client.createJob({ dataset: datasetId, spec, ...(copies > 1 ? { replicas: copies, quorum: Number(quorum) } : {}), ...(live && dataset !== SAMPLE ? { live: true } : {}) });
      navigate(routePath({ page: "job", id: job.id }));
    } catch (failure) {
      fail(failure);
      setBusy(undefined);
    }
  };

  return (
    <form onSubmit={submit} className="new-job">
      <div className="page-head">
        <h1>New job</h1>
        <button type="submit" disabled={busy !== undefined} data-testid="submit-top">
          {busy ?? "Submit job"}
        </button>
      </div>
      <section className="templates" aria-label="Templates">
        {TEMPLATES.map((t) => (
          <button key={t.id} type="button" title={t.description} className={`template${template?.id === t.id ? " selected" : ""}`} onClick={() => choose(t)} data-testid={`template-${t.id}`} aria-pressed={template?.id === t.id}>
            <strong>{t.title}</strong>
            <span>{t.description}</span>
          </button>
        ))}
      </section>
      {template && (
        <p className="template-about muted small" data-testid="template-about">
          <strong>{template.title}:</strong> {template.description}
        </p>
      )}
      <div className="job-form">
        <div className="editor-pane">
          <div className="card-head">
            <h2>Script</h2>
            <button type="button" className="secondary" onClick={check} data-testid="check">
              Check syntax
            </button>
          </div>
          {problem && problem.line !== undefined && <ProblemText problem={problem} />}
          <LuaEditor
            value={script}
            onChange={(text) => {
              setScript(text);
              setProblem(undefined);
              setChecked(false);
            }}
            errorAt={problem?.line}
            label="Lua script"
          />
          {checked && (
            <p className="ok" role="status" data-testid="check-ok">
              The script compiles.
            </p>
          )}
        </div>
        <div className="options card">
          <label className="field">
            <span>Dataset</span>
            <select value={dataset} onChange={(e) => setPicked(e.target.value)} data-testid="dataset-select">
              {!latestSample && <option value={SAMPLE}>{SAMPLE_DATASET.label}</option>}
              {datasets.data?.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} ({d.seriesCount} series, {d.rows} rows)
                </option>
              ))}
            </select>
          </label>
          {datasets.error && <Notice kind="error">Cannot list datasets: {datasets.error}</Notice>}
          <label className="field">
            <span>Parameters, one per line</span>
            <textarea rows={4} value={params} onChange={(e) => setParams(e.target.value)} placeholder={"fast=5,10,20\nslow=50,100"} spellCheck={false} data-testid="params" />
          </label>
          <label className="field">
            <span>Split</span>
            <input value={split} onChange={(e) => setSplit(e.target.value)} placeholder="rows=500 or window=365d" data-testid="split" />
          </label>
          <div className="two">
            <label className="field">
              <span>Halo rows</span>
              <input value={halo} onChange={(e) => setHalo(e.target.value)} inputMode="numeric" data-testid="halo" />
            </label>
            <label className="field">
              <span>Points per task</span>
              <input value={batchSize} onChange={(e) => setBatchSize(e.target.value)} inputMode="numeric" placeholder={String(DEFAULTS.batchSize)} data-testid="batch-size" />
            </label>
          </div>
          <TaskCountLine plan={plan} />
          <EngineFields engine={engine} budget={budget} onEngine={setEngine} onBudget={setBudget} />
          <div className="two">
            <label className="field">
              <span>Seed</span>
              <input value={seed} onChange={(e) => setSeed(e.target.value)} inputMode="numeric" placeholder="0" data-testid="seed" />
            </label>
            <label className="field">
              <span>Deadline per task</span>
              <input value={deadline} onChange={(e) => setDeadline(e.target.value)} placeholder="e.g. 2m" data-testid="deadline" />
            </label>
          </div>
          <p className="hint muted small">
            math.random repeats for the same seed. A task that runs past the deadline fails; donors keep their own limit (5m on a page, 10m in Node), so a deadline, at most {durationText(LIMITS.deadlineMs)}, can only shorten it.
          </p>
          <div className="two">
            <label className="field">
              <span>Replicas</span>
              <select
                value={replicas}
                onChange={(e) => {
                  setReplicas(e.target.value);
                  setQuorum(e.target.value);
                }}
                data-testid="replicas"
              >
                {upTo(MAX_REPLICAS).map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Quorum</span>
              <select value={quorum} onChange={(e) => setQuorum(e.target.value)} disabled={replicas === "1"} data-testid="quorum">
                {upTo(Number(replicas)).map((n) => (
                  <option key={n} value={n}>
                    {n} must agree
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="hint muted small">
            {replicas === "1" ? "Each task runs once: for a pool of donors you trust." : `Each task runs on ${replicas} donors; a result counts once ${quorum} of them agree.`}
          </p>
          <label className="inline" title={dataset === SAMPLE ? "Upload a dataset first: a live job follows the appends to one" : undefined}>
            <input type="checkbox" checked={live && dataset !== SAMPLE} disabled={dataset === SAMPLE} onChange={(e) => setLive(e.target.checked)} data-testid="live" /> Live: rerun on every append to this dataset
          </label>
          <p className="hint muted small">
            {dataset === SAMPLE
              ? "A live job needs a dataset on the coordinator; upload one to turn it on."
              : "Each append (shoal append, shoal replay) reruns the job on the new version, reusing the tasks whose rows did not change; the job page follows every version."}
          </p>
          <div className="submit-bar">
            {problem && problem.line === undefined && <ProblemText problem={problem} />}
            {unset.length > 0 && (
              <p className="warning small" role="status" data-testid="unset-params">
                {unsetParamsText(unset)}
              </p>
            )}
            <VolunteerHint peers={peers.data} engine={engine} />
            {peers.data && volunteersFor(peers.data, engine).length > 0 && (
              <p className="hint muted small" data-testid="volunteer-count">
                {volunteerCount(volunteersFor(peers.data, engine), engine)}
              </p>
            )}
            <button type="submit" disabled={busy !== undefined} data-testid="submit">
              {busy ?? "Submit job"}
            </button>
          </div>
        </div>
      </div>
    </form>
  );
}

function volunteerCount(ready: readonly PeerView[], engine: string): string {
  const threads = ready.reduce((sum, peer) => sum + peer.threads, 0);
  return `${ready.length} volunteer${ready.length === 1 ? "" : "s"} (${threads} thread${threads === 1 ? "" : "s"}) connected that run ${engine}.`;
}

/** A problem with the script (it has a line) shows above the editor, by the Check button; others by Submit. */
function ProblemText({ problem }: { problem: Problem }) {
  return (
    <div className="error" role="alert" data-testid="job-error">
      <LineMessage message={problem.message} line={problem.line} />
    </div>
  );
}
