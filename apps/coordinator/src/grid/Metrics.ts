import type { SubmitOutcome } from "@shoal/scheduler";

/** Counters since the coordinator started, for `/metrics`. */
export class Metrics {
  shardBytesServed = 0;
  readonly results: Record<SubmitOutcome["status"], number> = { accepted: 0, rejected: 0, duplicate: 0, stale: 0 };
  taskFailures = 0;
  protocolErrors = 0;
}
