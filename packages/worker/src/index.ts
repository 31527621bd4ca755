export { TaskExecutor, type ReduceTaskResult } from "./executor/TaskExecutor.ts";
export { TaskError, type TaskErrorData, type TaskErrorKind } from "./executor/TaskError.ts";
export { runJob, type RunJobOptions, type RunProgress, type TaskRunner } from "./executor/runJob.ts";
