/**
 * Failures a Lua engine raises: the job's own error or a limit it hit. Any honest peer
 * reproduces them, so once confirmed they fail the job instead of being retried.
 */
export const LUA_ERROR_KINDS = ["syntax", "runtime", "budget", "memory", "result"] as const;
export type LuaErrorKind = (typeof LUA_ERROR_KINDS)[number];

/** Why a task failed, as a worker reports it: a Lua error kind, or the peer's own trouble (`deadline`, `internal`). */
export const FAILURE_KINDS = [...LUA_ERROR_KINDS, "deadline", "internal"] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];
