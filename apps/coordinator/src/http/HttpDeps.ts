import type { DatasetService } from "../datasets/DatasetService.ts";
import type { ShardFiles } from "../datasets/ShardFiles.ts";
import type { Grid } from "../volunteers/Grid.ts";
import type { JobService } from "../authors/JobService.ts";
import type { LiveJobs } from "../authors/LiveJobs.ts";
import type { Metrics } from "../volunteers/Metrics.ts";
import type { Logger } from "../Logger.ts";
import type { Store } from "../store/Store.ts";
import type { JobTasks } from "../tasks/JobTasks.ts";

/** Everything the HTTP routes reach. */
export interface HttpDeps {
  store: Store;
  datasets: DatasetService;
  shards: ShardFiles;
  jobs: JobService;
  /** Live chains: jobs rerun on every appended version. */
  live: LiveJobs;
  /** Tasks, attempts and partial results of jobs. */
  tasks: JobTasks;
  grid: Grid;
  metrics: Metrics;
  logger: Logger;
  /** Largest CSV upload in bytes. */
  maxUploadBytes: number;
  /** Directory of the built web app, served at `/` when it exists. */
  webDist: string;
  /** Minimum time between two progress events of one SSE stream. */
  progressMs: number;
  /** Uncached requests per second one address may make of the public credit API. */
  publicRequestsPerSecond: number;
}
