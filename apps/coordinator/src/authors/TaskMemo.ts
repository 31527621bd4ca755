import { createHash } from "node:crypto";
import type { JobSpec, Json, MapTaskSpec } from "@shoal/protocol";
import type { TaskGraph, TaskNode, TaskState } from "@shoal/scheduler";
import type { Series } from "@shoal/timeseries";
import type { Store } from "../store/Store.ts";

/** The rows a series holds, by key, for hashing the slices map tasks read. */
export type SeriesReader = (key: string) => Series;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** What every memo key of a job shares: its script and what else changes a call's value (engine, seed, budget). */
export function jobMemoBase(spec: JobSpec): string {
  return sha256(JSON.stringify([spec.script, spec.engine, spec.seed, spec.budget]));
}

/** The key of a map task: the job's base, the slice it reads and owns, its points, and the hash of the rows it reads. */
export function mapMemoKey(base: string, work: MapTaskSpec, rowsHash: string): string {
  return sha256(JSON.stringify(["map", base, work.slice, work.points, rowsHash]));
}

/** The key of a reduce task: the job's base, its place in the tree (which seeds it) and the values it folds. */
export function reduceMemoKey(base: string, level: number, group: number, values: readonly Json[]): string {
  return sha256(JSON.stringify(["reduce", base, level, group, values]));
}

/** SHA-256 of rows [from, to) of a series: times, then each column by name, as their float64 bytes. */
export function rowsHash(series: Series, from: number, to: number): string {
  const hash = createHash("sha256");
  const add = (column: Float64Array) => hash.update(new Uint8Array(column.buffer, column.byteOffset + from * 8, (to - from) * 8));
  add(series.time);
  for (const name of Object.keys(series.columns).sort()) {
    hash.update(`\u0000${name}\u0000`);
    add(series.columns[name] as Float64Array);
  }
  return hash.digest("hex");
}

/**
 * Incremental jobs: a task's verified outputs are kept under a key of everything its value depends
 * on (script, engine, seed, budget, slice and points, and the hash of the rows it reads — or, for a
 * reduce, the values it folds), with the quorum that verified them. A job over a newer dataset
 * version starts with every task whose key is known, at its quorum or a larger one, done: it runs
 * only the slices whose rows changed and the reduce path above them. At most `keep` outputs are
 * kept: each finished job's batch evicts the oldest past it, which only makes later jobs reuse less.
 */
export class TaskMemo {
  readonly #store: Store;
  readonly #keep: number;

  constructor(store: Store, keep: number) {
    this.#store = store;
    this.#keep = keep;
  }

  /**
   * Gives each map task of a planned graph its memo key and, when `reuse` is set, every task whose
   * key is stored its outputs (`memoOutput`); reduces are looked up when all their inputs are
   * reused. Returns how many tasks are reused.
   */
  prepare(graph: TaskGraph, spec: JobSpec, reuse: { quorum: number } | undefined, read: SeriesReader): number {
    const base = jobMemoBase(spec);
    const hashes = sliceHashes(graph.tasks, read);
    const known = new Map<string, Json[]>();
    let reused = 0;
    for (const node of graph.tasks) {
      let key: string | undefined;
      if (node.work.kind === "map") {
        const { slice } = node.work;
        key = mapMemoKey(base, node.work, hashes.get(`${slice.key}\u0000${slice.haloStart}\u0000${slice.end}`) as string);
        node.memo = key;
      } else {
        const values = inputValues(node, known);
        if (values) key = reduceMemoKey(base, node.work.level, node.work.group, values);
      }
      const outputs = key === undefined || !reuse ? undefined : this.#lookup(key, node, reuse.quorum, spec.resultBytes);
      if (outputs) {
        node.memoOutput = outputs;
        known.set(node.id, outputs);
        reused++;
      }
    }
    return reused;
  }

  /**
   * Stores the outputs of a finished job's tasks that ran (reused ones are stored already), then
   * evicts the oldest past the bound, in the caller's transaction.
   */
  record(spec: JobSpec, quorum: number, tasks: readonly TaskState[]): void {
    const base = jobMemoBase(spec);
    const outputs = new Map<string, Json[]>();
    for (const t of tasks) if (t.output) outputs.set(t.id, t.output);
    for (const t of tasks) {
      if (t.reused || !t.output) continue;
      if (t.work.kind === "map") {
        if (t.memo !== undefined) this.#store.putMemo(t.memo, JSON.stringify([quorum, t.output]));
        continue;
      }
      const values = inputValues(t, outputs);
      if (values) this.#store.putMemo(reduceMemoKey(base, t.work.level, t.work.group, values), JSON.stringify([quorum, t.output]));
    }
    this.#store.trimMemos(this.#keep);
  }

  /**
   * Stored outputs for the key, if a quorum at least as large as the job's verified them and each
   * fits the job's `resultBytes`, as an output its peers reported would have to.
   */
  #lookup(key: string, node: TaskNode, quorum: number, resultBytes: number): Json[] | undefined {
    const text = this.#store.getMemo(key);
    if (text === undefined) return undefined;
    const [verifiedBy, outputs] = JSON.parse(text) as [unknown, unknown];
    const count = node.work.kind === "map" ? node.work.points.length : 1;
    if (!(typeof verifiedBy === "number" && verifiedBy >= quorum && Array.isArray(outputs) && outputs.length === count)) return undefined;
    // Measured as the scheduler measures reported outputs (JSON length); the stored text bounds them all.
    const small = text.length <= resultBytes || outputs.every((output) => JSON.stringify(output).length <= resultBytes);
    return small ? (outputs as Json[]) : undefined;
  }

}

/** The hash of the rows each map task reads, each distinct range hashed once. */
function sliceHashes(tasks: readonly TaskNode[], read: SeriesReader): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const { work } of tasks) {
    if (work.kind !== "map") continue;
    const { key, haloStart, end } = work.slice;
    const id = `${key}\u0000${haloStart}\u0000${end}`;
    if (!hashes.has(id)) hashes.set(id, rowsHash(read(key), haloStart, end));
  }
  return hashes;
}

/** The values a task folds, when every input's outputs are known. */
function inputValues(node: Pick<TaskNode, "inputs">, known: ReadonlyMap<string, Json[]>): Json[] | undefined {
  const values: Json[] = [];
  for (const input of node.inputs) {
    const outputs = known.get(input.task);
    if (!outputs) return undefined;
    values.push(...outputs.slice(input.from, input.to));
  }
  return values;
}
