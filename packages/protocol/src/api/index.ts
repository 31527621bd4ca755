export type { JobStatus, TaskCounts, ResultCounts, JobErrorView, UnconfirmedErrorView, SpecSummary, JobView, JobEvent } from "./JobView.ts";
export type { PeerView, SpeedView, CurrentTask } from "./PeerView.ts";
export type { SeriesView, DatasetView, DatasetSummary } from "./DatasetView.ts";
export type { CheckResult } from "./CheckResult.ts";
