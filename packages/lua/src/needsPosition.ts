/** Messages the engines raise without a position (from inside library functions, the allocator or the stack checks). */
const POSITIONLESS = new Set(["C stack overflow", "JS stack overflow", "not enough memory", "error in error handling"]);

/**
 * Whether an error message is one of the engine's own that Lua leaves without "job.lua:LINE:"
 * (a C stack overflow inside `gsub`, running out of memory...), so the message handler should
 * prefix the line of the job code that was running. Messages the job chose, like
 * `error("x", 0)`, are left as they are.
 */
export function needsPosition(message: string): boolean {
  return POSITIONLESS.has(message);
}
