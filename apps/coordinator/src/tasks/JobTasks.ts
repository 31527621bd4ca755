import type { AttemptTimeline, JobId, PartialResult, TaskPage, TaskView, VolunteerCounts } from "@shoal/protocol";
import type { DurableScheduler } from "../volunteers/DurableScheduler.ts";
import { JobRequestError } from "../authors/JobRequestError.ts";
import type { JobService } from "../authors/JobService.ts";
import type { TaskHistoryStore } from "./TaskHistoryStore.ts";

/** A job's tasks, their attempts and its partial result, as the author-token routes serve them. */
export class JobTasks {
  readonly #store: TaskHistoryStore;
  readonly #jobs: JobService;
  readonly #scheduler: DurableScheduler;

  constructor(store: TaskHistoryStore, jobs: JobService, scheduler: DurableScheduler) {
    this.#store = store;
    this.#jobs = jobs;
    this.#scheduler = scheduler;
  }

  /** Tasks `offset` to `offset + limit` in plan order, each with every attempt; limits are the caller's to check. */
  page(id: JobId, offset: number, limit: number): TaskPage {
    const view = this.#jobs.view(id);
    const spec = this.#jobs.spec(id);
    if (!view || !spec) throw new JobRequestError(`no job ${id}`, { status: 404 });
    const ended = view.finishedAt !== null;
    const { total, tasks } = this.#store.tasks(id, offset, limit);
    const attempts = tasks.length === 0 ? [] : this.#store.attemptsOf(id, tasks[0]!.index, tasks.at(-1)!.index + 1);
    const views = tasks.map(
      (t): TaskView => ({
        index: t.index,
        id: t.id,
        kind: t.kind,
        key: t.key,
        points: t.points,
        state: ended && t.state === "pending" ? "unfinished" : t.state,
        attempts: attempts.filter((a) => a.task === t.index),
      }),
    );
    return { total, offset, limit, engine: spec.engine, tasks: views };
  }

  /**
   * The job's latest `limit` attempts, for the timeline; with `since` (a cursor an earlier answer
   * gave), only those started or ended after it. A cursor past this history's own is a 400: it
   * came from another coordinator or a wiped one, so the client must start over without it.
   */
  timeline(id: JobId, limit: number, since?: number): AttemptTimeline {
    if (!this.#jobs.view(id)) throw new JobRequestError(`no job ${id}`, { status: 404 });
    if (since === undefined) return this.#store.latestAttempts(id, limit);
    const now = this.#store.cursor();
    if (since > now) throw new JobRequestError(`since ${since} is ahead of this coordinator's history (at ${now}): ask again without since`, { status: 400 });
    return this.#store.attemptsSince(id, since, limit);
  }

  /** Distinct volunteers that ran the job's tasks and those whose results were taken, running or ended. */
  volunteers(id: JobId): VolunteerCounts {
    if (!this.#jobs.view(id)) throw new JobRequestError(`no job ${id}`, { status: 404 });
    return this.#store.volunteerCounts(id);
  }

  /** What has arrived of a running job's result; a 409 once it ended, when `/result` has the whole of it. */
  partial(id: JobId, limit: number): PartialResult {
    const view = this.#jobs.view(id);
    if (!view) throw new JobRequestError(`no job ${id}`, { status: 404 });
    const partial = view.finishedAt === null ? this.#scheduler.partialResult(id, limit) : undefined;
    if (!partial) throw new JobRequestError(`job ${id} is ${view.status}; its result is at /api/jobs/${id}/result`, { status: 409 });
    return partial;
  }
}
