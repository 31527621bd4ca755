import type { SubmitOutcome } from "@shoal/scheduler";
import { Histogram } from "./Histogram.ts";

/** Counters since the coordinator started, for `/metrics`. */
export class Metrics {
  shardBytesServed = 0;
  /** Shards, chunks and manifests sent whole over HTTP (200s; a 304 sends none). */
  shardsServed = 0;
  readonly results: Record<SubmitOutcome["status"], number> = { accepted: 0, rejected: 0, duplicate: 0, stale: 0 };
  taskFailures = 0;
  protocolErrors = 0;
  /** Milliseconds from a task's assignment being sent to its outcome arriving, per reported task. */
  readonly taskLatency = new Histogram();
}
