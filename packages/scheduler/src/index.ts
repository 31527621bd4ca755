export { planMapTasks, type SeriesOutline } from "./planMapTasks.ts";
export { reduceGroups } from "./reduceGroups.ts";
export { planJob, mapTaskId, reduceTaskId, type PlannedSeries } from "./planJob.ts";
export {
  checkTaskGraph,
  outputCount,
  TaskGraphError,
  type TaskGraph,
  type TaskNode,
  type TaskInput,
  type TaskWork,
  type ResultSpec,
} from "./TaskGraph.ts";
export { JobScheduler } from "./JobScheduler.ts";
export { SCHEDULER_DEFAULTS, type SchedulerOptions } from "./SchedulerOptions.ts";
export type { SchedulerState, JobState, TaskState, AttemptState, AttemptPhase, PeerState } from "./SchedulerState.ts";
export type { PeerStanding } from "./Reputation.ts";
export { applyCommand, commandToLog, type SchedulerCommand, type CommandOutcomes } from "./SchedulerCommand.ts";
export type * from "./types.ts";
export { partialResult } from "./partialResult.ts";
export { taskUnits } from "./taskUnits.ts";
