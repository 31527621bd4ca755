import type { Assignment, AttemptRef, JobSpec, Json, ShardHash, ShardsHeld, TaskFailureData } from "@shoal/protocol";
import { TaskError } from "../executor/TaskError.ts";
import { SeriesAssembler } from "../shards/SeriesAssembler.ts";
import type { ShardFetcher } from "../shards/ShardFetcher.ts";
import type { OutcomeReporter } from "./OutcomeReporter.ts";
import { TaskCancel } from "./VolunteerExecutor.ts";
import type { VolunteerExecutor } from "./VolunteerExecutor.ts";

/** What the tasks of a volunteer need from it. */
export interface VolunteerTasksHost {
  executor: VolunteerExecutor;
  shards: ShardFetcher;
  reporter: OutcomeReporter;
  /** Tells the coordinator about a shard newly held. */
  announce: (message: ShardsHeld) => void;
  /** Called when a task settles, so the volunteer can ask for more work. */
  settled: () => void;
}

interface Running {
  assignment: Assignment;
  cancel: TaskCancel;
}

/** Job specs kept for tasks still to come; the executor forgets the oldest job beyond this. */
const JOBS_KEPT = 32;

/**
 * A volunteer's tasks: the job specs it was sent, the assignments running now, where their
 * shards come from (HTTP or peers named in shard-holders), and each outcome handed to the
 * {@link OutcomeReporter}. A repeated assignment, or one already reported, is ignored.
 */
export class VolunteerTasks {
  readonly #host: VolunteerTasksHost;
  readonly #jobs = new Map<string, JobSpec>();
  readonly #tasks = new Map<string, Running>();
  readonly #holders = new Map<ShardHash, string[]>();
  readonly #announced = new Set<ShardHash>();
  readonly #series: SeriesAssembler;
  #done = 0;
  #failed = 0;

  constructor(host: VolunteerTasksHost) {
    this.#host = host;
    this.#series = new SeriesAssembler(host.shards);
  }

  get running(): number {
    return this.#tasks.size;
  }

  /** The attempts running now. */
  held(): AttemptRef[] {
    return [...this.#tasks.values()].map(({ assignment }) => ({ taskId: assignment.taskId, attempt: assignment.attempt }));
  }

  get done(): number {
    return this.#done;
  }

  get failed(): number {
    return this.#failed;
  }

  rememberJob(jobId: string, spec: JobSpec): void {
    this.#jobs.delete(jobId);
    this.#jobs.set(jobId, spec);
    if (this.#jobs.size <= JOBS_KEPT) return;
    const oldest = this.#jobs.keys().next().value!;
    this.#jobs.delete(oldest);
    this.#host.executor.forgetJob(oldest);
  }

  /** Other peers that hold `shard`, to ask before HTTP (the latest 1000 shards are remembered). */
  setHolders(shard: ShardHash, handles: string[]): void {
    this.#holders.set(shard, handles);
    if (this.#holders.size > 1000) this.#holders.delete(this.#holders.keys().next().value!);
  }

  start(assignment: Assignment): void {
    const key = `${assignment.attempt}\u0000${assignment.taskId}`;
    if (this.#tasks.has(key) || this.#host.reporter.has(assignment.taskId, assignment.attempt)) return;
    const running: Running = { assignment, cancel: new TaskCancel() };
    this.#tasks.set(key, running);
    void this.#execute(running).finally(() => {
      this.#tasks.delete(key);
      this.#host.settled();
    });
  }

  /** Cancels the named tasks and forgets their outcomes. */
  cancel(taskIds: ReadonlySet<string>): void {
    for (const { assignment, cancel } of this.#tasks.values()) if (taskIds.has(assignment.taskId)) cancel.cancel();
    this.#host.reporter.drop(taskIds);
  }

  /** Cancels every running task (the volunteer is stopping). */
  cancelAll(): void {
    for (const { cancel } of this.#tasks.values()) cancel.cancel();
  }

  async #execute({ assignment, cancel }: Running): Promise<void> {
    const { taskId, attempt, jobId, task } = assignment;
    const started = Date.now();
    try {
      const spec = this.#jobs.get(jobId);
      if (!spec) throw new TaskError({ kind: "internal", message: `no job message for ${jobId} before its task` });
      const shard = assignment.shard === undefined ? undefined : { hash: assignment.shard, bytes: await this.#shard(assignment.shard) };
      if (cancel.cancelled) return;
      const result = await this.#host.executor.run({ jobId, spec, task, shard }, cancel);
      const values: Json[] = "outputs" in result ? result.outputs : [result.output];
      this.#done++;
      this.#host.reporter.report({
        type: "task-result",
        taskId,
        attempt,
        result: task.kind === "map" ? { outputs: values } : { output: values[0] ?? null },
        log: result.log,
        instructions: result.instructions,
        elapsedMs: Date.now() - started,
      });
    } catch (error) {
      if (cancel.cancelled) return;
      this.#failed++;
      const failure = TaskError.from(error).toData();
      const data: TaskFailureData = { kind: failure.kind, message: failure.message.slice(0, 16 * 1024) };
      if (failure.line !== undefined) data.line = failure.line;
      if (failure.traceback !== undefined) data.traceback = failure.traceback.slice(0, 64 * 1024);
      const printed = failure.log !== undefined && failure.log.length > 0 ? { log: failure.log } : {};
      this.#host.reporter.report({ type: "task-failed", taskId, attempt, error: data, ...printed });
    }
  }

  /**
   * The series' shard bytes, put together from its chunks when its address is a manifest. The
   * address is announced once held: the coordinator tracks the addresses it assigned (its chunks
   * are served to peers that ask, under their own hashes, all the same).
   */
  async #shard(hash: ShardHash): Promise<Uint8Array> {
    const held = await this.#host.shards.store.has(hash);
    try {
      const bytes = await this.#series.get(hash, this.#holders.get(hash) ?? []);
      if (!held && !this.#announced.has(hash)) {
        this.#announced.add(hash);
        this.#host.announce({ type: "shards-held", shards: [hash] });
      }
      return bytes;
    } catch (error) {
      throw new TaskError({ kind: "internal", message: `shard ${hash.slice(0, 12)}…: ${(error as Error).message}` });
    }
  }
}
