import { useState } from "react";
import type { AttemptView, TaskView } from "@shoal/protocol";
import { useApi } from "../api/useApi.ts";
import { Notice } from "../components/Notice.tsx";
import { OUTCOMES } from "./outcomeColours.ts";

const PAGE = 50;

/**
 * A job's tasks, a page at a time, collapsed until opened: each task's state and every attempt
 * of it (volunteer, engine, times, outcome), with Lua errors and `print` output as plain text.
 */
export function TaskTable({ id, active }: { id: string; active: boolean }) {
  const [open, setOpen] = useState(false);
  const [offset, setOffset] = useState(0);
  const page = useApi((client) => (open ? client.listTasks(id, { offset, limit: PAGE }) : Promise.resolve(undefined)), [id, open, offset], active && open ? { refreshMs: 3000 } : {});
  const data = page.data;
  return (
    <details className="card" onToggle={(event) => setOpen(event.currentTarget.open)} data-testid="task-list">
      <summary>Tasks{data ? ` (${data.total})` : ""}</summary>
      {page.error && <Notice kind="error">Cannot load the tasks: {page.error}</Notice>}
      {open && !data && !page.error && <Notice kind="loading">Loading tasks…</Notice>}
      {data && (
        <>
          <div className="table-wrap">
            <table className="tasks">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Kind</th>
                  <th>Series</th>
                  <th>State</th>
                  <th>Attempts</th>
                </tr>
              </thead>
              <tbody>
                {data.tasks.map((task) => (
                  <TaskRow key={task.id} task={task} engine={data.engine} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Previous
            </button>
            <span className="muted">
              {data.total === 0 ? "No task history: this job ran on a coordinator that did not keep one." : `${offset + 1}–${Math.min(offset + PAGE, data.total)} of ${data.total}`}
            </span>
            <button type="button" className="secondary" disabled={offset + PAGE >= data.total} onClick={() => setOffset(offset + PAGE)}>
              Next
            </button>
          </div>
        </>
      )}
    </details>
  );
}

function TaskRow({ task, engine }: { task: TaskView; engine: string }) {
  return (
    <tr data-testid="task-row" data-state={task.state}>
      <td>{task.index}</td>
      <td>{task.kind}</td>
      <td>
        {task.key}
        {task.kind === "map" && <span className="muted"> · {task.points} pt</span>}
      </td>
      <td className={`state state-${task.state}`}>{task.state}</td>
      <td>
        {task.state === "reused" ? (
          <span className="muted" data-testid="task-reused">
            none: its output was reused from an earlier run
          </span>
        ) : task.attempts.length === 0 ? (
          <span className="muted">{task.state === "unfinished" ? "none" : "none yet"}</span>
        ) : (
          task.attempts.map((a) => <Attempt key={a.attempt} attempt={a} engine={engine} />)
        )}
      </td>
    </tr>
  );
}

function Attempt({ attempt: a, engine }: { attempt: AttemptView; engine: string }) {
  const took = a.end === null ? "running" : `${((a.end - a.start) / 1000).toFixed(2)} s`;
  return (
    <div className="attempt" data-testid="attempt" data-outcome={a.outcome}>
      <div>
        <span className="swatch" style={{ background: OUTCOMES[a.outcome].colour }} /> #{a.attempt} {OUTCOMES[a.outcome].label}
        {a.kind && ` (${a.kind})`} <span className="muted">
          on <code>{a.peer}</code> ({engine}) at {new Date(a.start).toLocaleTimeString()}, {took}
        </span>
      </div>
      {a.message !== undefined && (
        <pre className="attempt-error" data-testid="attempt-error">
          {a.message}
        </pre>
      )}
      {a.log !== undefined && a.log !== "" && (
        <pre className="attempt-log" data-testid="attempt-log">
          {a.log}
          {a.logTruncated && <span className="muted">{"\n"}… print output cut at 16 KiB</span>}
        </pre>
      )}
    </div>
  );
}
