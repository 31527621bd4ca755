/** A message that already says where: "job.lua:12: ..." or `[string "..."]:1: ...`. */
const POSITIONED = /^(\[string ".*"\]|[^\s:]+):\d+: /s;

/**
 * Whether the message handler should prefix an error message with the line of the job code
 * that was running: the engine raised it without one (errors raised inside library functions,
 * like "C stack overflow" in `gsub` or "invalid key to 'next'", or by the allocator), and the
 * job did not choose it by calling `error` (`chosen`: the last string it passed to `error`),
 * since `error("x", 0)` means no position.
 */
export function needsPosition(message: string, chosen: string | null): boolean {
  return message !== chosen && !POSITIONED.test(message);
}
