import type { SchedulerState } from "@shoal/scheduler";

/** Characters of task JSON stored per snapshot row: every text stays far below V8's longest string (~512 MB). */
export const SNAPSHOT_CHUNK_CHARS = 8 * 1024 * 1024;

/** One row of a scheduler snapshot's tasks: the `position`th slice of job `job`'s tasks, as a JSON array. */
export interface SnapshotTaskRow {
  job: number;
  position: number;
  tasks: string;
}

/**
 * A scheduler snapshot as both SQL stores write it: the state without its tasks as one text
 * ({@link snapshotOutline}), and each job's tasks as rows of at most about `chunkChars` characters
 * (a task longer than that alone gets a row of its own), so no text grows with the whole grid: one
 * JSON text of a million tasks overflowed V8's longest string and the coordinator could not
 * restart. Rows are made one at a time, so only one is in memory.
 */
export function* snapshotTaskRows(state: SchedulerState, chunkChars = SNAPSHOT_CHUNK_CHARS): Generator<SnapshotTaskRow> {
  for (const [job, { tasks }] of state.jobs.entries()) {
    let parts: string[] = [];
    let chars = 0;
    let position = 0;
    for (const task of tasks) {
      const text = JSON.stringify(task);
      if (chars > 0 && chars + text.length > chunkChars) {
        yield { job, position: position++, tasks: `[${parts.join(",")}]` };
        parts = [];
        chars = 0;
      }
      parts.push(text);
      chars += text.length + 1;
    }
    if (parts.length > 0) yield { job, position, tasks: `[${parts.join(",")}]` };
  }
}

/** The snapshot's state with every job's tasks left out (they are in {@link snapshotTaskRows}), as JSON. */
export function snapshotOutline(state: SchedulerState): string {
  return JSON.stringify({ ...state, jobs: state.jobs.map((job) => ({ ...job, tasks: [] })) });
}

/** The snapshot's outline with each job's tasks read back from their rows, in job and position order (outlines of SQLite's schema 1 hold them inline). */
export function snapshotFromRows(outline: string, rows: Iterable<{ job: number; tasks: string }>): SchedulerState {
  const state = JSON.parse(outline) as SchedulerState;
  for (const row of rows) {
    const tasks = state.jobs[row.job]?.tasks;
    if (!tasks) throw new Error(`the scheduler snapshot has tasks for job ${row.job}, which it does not list`);
    for (const task of JSON.parse(row.tasks) as SchedulerState["jobs"][number]["tasks"]) tasks.push(task);
  }
  return state;
}
