import type { JobSpecInput, TaskId } from "@shoal/protocol";
import type { ResultSpec, TaskInput, TaskWork } from "@shoal/scheduler";

/** One node of a submitted graph: a map over a slice of a dataset series (by key), or a reduce of its inputs. */
export interface GraphTask {
  id: TaskId;
  work: TaskWork;
  inputs: TaskInput[];
}

/** A task graph as the SDK submits it; the coordinator resolves each map task's series key to its shard. */
export interface GraphSpec {
  tasks: GraphTask[];
  result: ResultSpec;
}

/** The parts of a job spec a graph uses; splitting and the parameter grid are the graph's own business. */
export type GraphScript = Pick<JobSpecInput, "script" | "engine" | "budget" | "resultBytes" | "seed">;

/** A general DAG job: `POST /api/graphs` with this body. */
export interface GraphRequest {
  dataset: string;
  spec: GraphScript;
  graph: GraphSpec;
  replicas?: number;
  quorum?: number;
}
