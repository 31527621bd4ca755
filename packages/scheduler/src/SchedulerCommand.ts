import type { JobId, PeerId, ShardHash, TaskId } from "@shoal/protocol";
import type { JobScheduler } from "./JobScheduler.ts";
import type { JobState } from "./SchedulerState.ts";
import type { Effects, Expiry, JobSubmission, Lease, SubmitOutcome, TaskFailure, TaskResult, WorkGrant } from "./types.ts";

/** A result no task takes (neither outputs nor an output): it replays down the malformed-result path. */
const REFUSED_RESULT = { outputs: null } as unknown as TaskResult;

/**
 * Every state-changing call of a {@link JobScheduler} as plain JSON. Appending each command to a log
 * before acting on its outcome, and replaying the log over the last {@link JobScheduler.toJSON}
 * snapshot, restores exactly the state the scheduler had, since it decides deterministically.
 */
export type SchedulerCommand =
  | { type: "submit-job"; job: JobSubmission }
  | { type: "cancel-job"; jobId: JobId }
  | { type: "forget-job"; jobId: JobId }
  | { type: "adopt-job"; job: JobState }
  | { type: "drop-job"; jobId: JobId }
  | { type: "add-peer"; peerId: PeerId; slots?: number; engines?: string[] }
  | { type: "remove-peer"; peerId: PeerId }
  | { type: "resume-peer"; peerId: PeerId; running: Array<{ taskId: TaskId; attempt: number }> }
  | { type: "set-peer-shards"; peerId: PeerId; shards: ShardHash[] }
  | { type: "request-work"; peerId: PeerId; freeSlots: number; now: number }
  | { type: "heartbeat"; peerId: PeerId; now: number }
  | { type: "tick"; now: number }
  | { type: "submit-result"; peerId: PeerId; taskId: TaskId; attempt: number; result: TaskResult; now: number }
  | { type: "submit-failure"; peerId: PeerId; taskId: TaskId; attempt: number; error: TaskFailure };

/** What applying each kind of command returns. */
export interface CommandOutcomes {
  "submit-job": Effects;
  "cancel-job": Effects;
  "forget-job": boolean;
  "adopt-job": Effects;
  "drop-job": Effects;
  "add-peer": void;
  "remove-peer": Expiry;
  "resume-peer": Expiry;
  "set-peer-shards": void;
  "request-work": WorkGrant;
  heartbeat: Lease[];
  tick: Expiry;
  "submit-result": SubmitOutcome;
  "submit-failure": SubmitOutcome;
}

/**
 * The command to log once `command` was applied with `outcome`. A result turned away as
 * rejected still changed state (its lease closed, a loss or a refusal counted) but its values are
 * never read again: it is logged with a stand-in that replays to the same state, rather than with
 * a payload as large as the frame limit allows.
 */
export function commandToLog(command: SchedulerCommand, outcome: unknown): SchedulerCommand {
  if (command.type !== "submit-result" || (outcome as SubmitOutcome).status !== "rejected") return command;
  return { ...command, result: REFUSED_RESULT };
}

/** Runs one command against a scheduler and returns what the matching method returns. */
export function applyCommand<C extends SchedulerCommand>(scheduler: JobScheduler, command: C): CommandOutcomes[C["type"]] {
  return run(scheduler, command) as CommandOutcomes[C["type"]];
}

function run(s: JobScheduler, c: SchedulerCommand): CommandOutcomes[SchedulerCommand["type"]] {
  switch (c.type) {
    case "submit-job":
      return s.submitJob(c.job);
    case "cancel-job":
      return s.cancelJob(c.jobId);
    case "forget-job":
      return s.forgetJob(c.jobId);
    case "adopt-job":
      return s.adoptJob(c.job);
    case "drop-job":
      return s.dropJob(c.jobId);
    case "add-peer":
      return s.addPeer(c.peerId, c.slots, c.engines);
    case "remove-peer":
      return s.removePeer(c.peerId);
    case "resume-peer":
      return s.resumePeer(c.peerId, c.running);
    case "set-peer-shards":
      return s.setPeerShards(c.peerId, c.shards);
    case "request-work":
      return s.requestWork(c.peerId, c.freeSlots, c.now);
    case "heartbeat":
      return s.heartbeat(c.peerId, c.now);
    case "tick":
      return s.tick(c.now);
    case "submit-result":
      return s.submitResult(c.peerId, c.taskId, c.attempt, c.result, c.now);
    case "submit-failure":
      return s.submitFailure(c.peerId, c.taskId, c.attempt, c.error);
  }
}
