import type { HttpDeps } from "./HttpDeps.ts";

const TASK_STATES = ["waiting", "queued", "running", "done", "failed"] as const;

/** The coordinator's gauges and counters in the Prometheus text format. */
export function renderMetrics({ jobs, grid, metrics, store }: Pick<HttpDeps, "jobs" | "grid" | "metrics" | "store">): string {
  const active = jobs.active();
  const tasks = Object.fromEntries(TASK_STATES.map((state) => [state, active.reduce((n, job) => n + job.tasks[state], 0)]));
  const started = active.filter((job) => job.tasks.running > 0 || job.tasks.done > 0 || job.tasks.failed > 0).length;
  const stored = store.countJobs();
  const jobCounts = { queued: active.length - started, running: started, done: stored.done, failed: stored.failed, cancelled: stored.cancelled };
  const peers = { ws: 0, webrtc: 0 };
  for (const peer of grid.peers()) if (peer.transport !== "memory") peers[peer.transport]++;
  return [
    ...family("shoal_tasks", "gauge", "Tasks of running jobs by state.", labelled("state", tasks)),
    ...family("shoal_peers", "gauge", "Connected workers by transport.", labelled("transport", peers)),
    ...family("shoal_jobs", "gauge", "Jobs by state.", labelled("state", jobCounts)),
    ...family("shoal_shard_bytes_served_total", "counter", "Shard bytes sent over HTTP.", [["", metrics.shardBytesServed]]),
    ...family("shoal_shards_served_total", "counter", "Shards, chunks and manifests sent whole over HTTP.", [["", metrics.shardsServed]]),
    ...family("shoal_results_total", "counter", "Task results reported by workers, by outcome.", labelled("outcome", metrics.results)),
    ...family("shoal_task_failures_total", "counter", "Task failures reported by workers.", [["", metrics.taskFailures]]),
    ...family("shoal_protocol_errors_total", "counter", "Channels closed for breaking the protocol.", [["", metrics.protocolErrors]]),
    ...family("shoal_task_latency_ms", "histogram", "From a task's assignment being sent to its result or failure arriving, in ms.", [
      ...metrics.taskLatency.cumulative().map(([le, n]): [string, number] => [`_bucket{le="${le}"}`, n]),
      ["_sum", Math.round(metrics.taskLatency.sum * 1000) / 1000],
      ["_count", metrics.taskLatency.count],
    ]),
  ].join("\n") + "\n";
}

function labelled(label: string, values: Record<string, number>): Array<[string, number]> {
  return Object.entries(values).map(([value, n]) => [`{${label}="${value}"}`, n]);
}

function family(name: string, type: string, help: string, samples: Array<[string, number]>): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples.map(([labels, n]) => `${name}${labels} ${n}`)];
}
