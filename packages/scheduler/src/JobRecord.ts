import type { Json, PeerId, ShardHash, TaskId } from "@shoal/protocol";
import { OrderedQueue } from "./OrderedQueue.ts";
import type { JobState, TaskState } from "./SchedulerState.ts";
import type { TaskInput } from "./TaskGraph.ts";
import type { JobSnapshot } from "./types.ts";

/** Completed-task run times kept per job for the median. */
const DURATION_WINDOW = 64;

/**
 * One job's persistent state plus the indexes derived from it: unfinished inputs per task,
 * dependents, and the queue of tasks that want another replica (overall and by shard).
 */
export class JobRecord {
  readonly state: JobState;
  /** Submission order, the tie-breaker between jobs. */
  readonly order: number;
  readonly queue = new OrderedQueue();
  /** Leases held on this job's tasks, counted by the lease book. */
  running = 0;
  readonly #index = new Map<TaskId, number>();
  readonly #waitingOn: number[];
  readonly #dependents: number[][];
  readonly #byShard = new Map<ShardHash, OrderedQueue>();
  #done = 0;

  constructor(state: JobState, order: number) {
    this.state = state;
    this.order = order;
    state.tasks.forEach((t, i) => this.#index.set(t.id, i));
    this.#dependents = state.tasks.map(() => []);
    this.#waitingOn = state.tasks.map((t, i) => {
      for (const input of t.inputs) this.#dependents[this.indexOf(input.task) as number]?.push(i);
      return t.inputs.filter((input) => this.taskAt(input.task).status !== "done").length;
    });
    this.#done = state.tasks.filter((t) => t.status === "done").length;
    state.tasks.forEach((_, i) => this.refresh(i));
  }

  indexOf(id: TaskId): number | undefined {
    return this.#index.get(id);
  }

  task(index: number): TaskState {
    return this.state.tasks[index] as TaskState;
  }

  /** Leases currently held on a task. */
  active(t: TaskState): number {
    return t.attempts.reduce((n, a) => n + (a.phase === "leased" ? 1 : 0), 0);
  }

  /** Attempts of the largest group of agreeing results, earliest group first on a tie. */
  bestGroup(t: TaskState): number[] {
    const groups = new Map<string, number[]>();
    for (const r of t.results) {
      const group = groups.get(r.canonical);
      if (group) group.push(r.attempt);
      else groups.set(r.canonical, [r.attempt]);
    }
    let best: number[] = [];
    for (const group of groups.values()) if (group.length > best.length) best = group;
    return best;
  }

  /** Replicas the task still needs handed out: enough for a quorum if every outstanding one agrees, and at least `replicas`. */
  wanted(index: number): number {
    const t = this.task(index);
    if (this.state.status !== "running" || t.status !== "pending" || this.#waitingOn[index] !== 0) return 0;
    const need = this.state.quorum - this.bestGroup(t).length;
    const total = Math.min(this.state.replicaCap, Math.max(this.state.replicas, t.results.length + need));
    return Math.max(0, total - t.results.length - this.active(t));
  }

  /** Re-files a task in the queues after anything about it changed. */
  refresh(index: number): void {
    const shard = this.task(index).shard;
    if (this.wanted(index) > 0) {
      this.queue.add(index);
      if (shard !== undefined) {
        let q = this.#byShard.get(shard);
        if (!q) this.#byShard.set(shard, (q = new OrderedQueue()));
        q.add(index);
      }
    } else {
      this.queue.delete(index);
      const q = shard === undefined ? undefined : this.#byShard.get(shard);
      q?.delete(index);
      if (q?.size === 0) this.#byShard.delete(shard as ShardHash);
    }
  }

  /** True when the peer already holds, answered or rejected this task, so a replica must go elsewhere. */
  involves(t: TaskState, peer: PeerId): boolean {
    const byPeer = (attempt: number) => t.attempts[attempt - 1]?.peer === peer;
    return (
      t.attempts.some((a) => a.peer === peer && a.phase === "leased") ||
      t.results.some((r) => byPeer(r.attempt)) ||
      t.errors.some((e) => byPeer(e.attempt))
    );
  }

  /** The first queued task the peer may take, preferring tasks whose shard it holds. */
  pick(peer: PeerId, shards: ReadonlySet<ShardHash>): number | undefined {
    const eligible = (i: number) => !this.involves(this.task(i), peer);
    let local: number | undefined;
    const consider = (q: OrderedQueue | undefined) => {
      const i = q?.find(eligible);
      if (i !== undefined && (local === undefined || i < local)) local = i;
    };
    if (shards.size <= this.#byShard.size) for (const shard of shards) consider(this.#byShard.get(shard));
    else for (const [shard, q] of this.#byShard) if (shards.has(shard)) consider(q);
    return local ?? this.queue.find(eligible);
  }

  /** Drops a peer's unverified results and error reports from open tasks; true if it had any. */
  discard(peer: PeerId): boolean {
    let found = false;
    this.state.tasks.forEach((t, index) => {
      const mine = (report: { attempt: number }) => t.attempts[report.attempt - 1]?.peer === peer;
      if (t.status !== "pending" || !(t.results.some(mine) || t.errors.some(mine))) return;
      for (const report of [...t.results, ...t.errors]) {
        const a = t.attempts[report.attempt - 1];
        if (a && mine(report)) a.phase = "discarded";
      }
      t.results = t.results.filter((r) => !mine(r));
      t.errors = t.errors.filter((e) => !mine(e));
      this.refresh(index);
      found = true;
    });
    return found;
  }

  /** Marks a task verified with `output` and releases the tasks that were waiting on it. */
  complete(index: number, output: Json[], duration: number): void {
    const t = this.task(index);
    t.status = "done";
    t.output = output;
    t.results = [];
    t.errors = [];
    this.#done++;
    this.refresh(index);
    this.state.durations.push(duration);
    if (this.state.durations.length > DURATION_WINDOW) this.state.durations.shift();
    for (const next of this.#dependents[index] ?? []) {
      this.#waitingOn[next] = (this.#waitingOn[next] ?? 0) - 1;
      this.refresh(next);
    }
  }

  get finished(): boolean {
    return this.#done === this.state.tasks.length;
  }

  /** Median run time of recent completed tasks, if any. */
  median(): number | undefined {
    const sorted = [...this.state.durations].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }

  /** The values the inputs point at, in order; every input task must be done. */
  gather(inputs: readonly TaskInput[]): Json[] {
    return inputs.flatMap((input) => this.taskAt(input.task).output?.slice(input.from, input.to) ?? []);
  }

  result(): Json {
    const values = this.gather(this.state.result.inputs);
    return this.state.result.shape === "list" ? values : (values[0] ?? null);
  }

  /** Empties the queues once the job stops handing out work. */
  close(): void {
    this.queue.clear();
    this.#byShard.clear();
  }

  /**
   * Tasks by state. The queue holds exactly the tasks that want another replica (see `refresh`),
   * so this asks it rather than working out `wanted` for every task: progress is polled often,
   * on jobs of many thousands of tasks.
   */
  counts(): JobSnapshot["tasks"] {
    const tasks = this.state.tasks;
    const counts: JobSnapshot["tasks"] = { total: tasks.length, waiting: 0, queued: 0, running: 0, done: this.#done, failed: 0 };
    let reused = 0;
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i] as TaskState;
      if (t.status === "failed") counts.failed++;
      else if (t.status === "done") reused += t.reused ? 1 : 0;
      else if (this.queue.has(i)) counts.queued++;
      else if (this.active(t) > 0) counts.running++;
      else counts.waiting++;
    }
    if (reused > 0) counts.reused = reused;
    return counts;
  }

  taskAt(id: TaskId): TaskState {
    return this.task(this.indexOf(id) as number);
  }
}
