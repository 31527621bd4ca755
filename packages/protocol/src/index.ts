export type { Json } from "./json.ts";
export * from "./ids.ts";
export { LIMITS, DEFAULTS } from "./limits.ts";
export { durationText, parseDuration } from "./parseDuration.ts";
export { scriptTitle } from "./scriptTitle.ts";
export { paramsRead, unsetParams } from "./paramsRead.ts";
export { canonicalJson, sameResult, CANONICAL_DIGITS } from "./canonicalJson.ts";
export { decodeScript, firstInvalidUtf8, hasLoneSurrogate, LONE_SURROGATE_PROBLEM } from "./decodeScript.ts";
export {
  ENGINE_NAMES,
  jobSpecSchema,
  parseJobSpec,
  JobSpecError,
  gridSize,
  expandGrid,
  type JobSpec,
  type JobSpecInput,
  type EngineName,
  type SplitSpec,
  type ParamValue,
  type ParamGrid,
  type ParamPoint,
} from "./jobSpec.ts";
export * from "./tasks.ts";
export { FAILURE_KINDS, LUA_ERROR_KINDS, type FailureKind, type LuaErrorKind } from "./failureKinds.ts";
export * from "./messages.ts";
export * from "./taskViews.ts";
export { ProtocolError } from "./ProtocolError.ts";
export { protocolMismatch } from "./protocolMismatch.ts";
export { jobSpecJsonSchema } from "./jobSpecJsonSchema.ts";
export { parseWorkerMessage, parseCoordinatorMessage, parsePeerMessage, encodeMessage, MESSAGE_LIMITS } from "./parseMessages.ts";
export { frameMessage, Reassembler, FRAME_CHARS } from "./frames.ts";
export * from "./credit/index.ts";
export type * from "./api/index.ts";
export { ICE_LIMITS, iceServerListSchema, isTurnServer, parseIceServers, type IceServer } from "./iceServers.ts";
