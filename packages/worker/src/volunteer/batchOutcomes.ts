import type { TaskFailedMessage, TaskResultMessage } from "@shoal/protocol";
import { encodeMessage, MESSAGE_LIMITS } from "@shoal/protocol";

export type Outcome = TaskResultMessage | TaskFailedMessage;

/** One message to send: its text, and the outcomes it carries. */
export interface OutcomeBatch {
  text: string;
  outcomes: Outcome[];
}

/** Outcomes sent together in one `outcomes` message stay under this many characters. */
export const BATCH_CHARS = 1024 * 1024;

/**
 * Packs outcomes, in order and each encoded once, into as few messages as the limits allow: up to
 * `MESSAGE_LIMITS.outcomes` and {@link BATCH_CHARS} per `outcomes` message; one that does not fit
 * with others (a large result) goes alone as a plain `task-result` or `task-failed`.
 */
export function batchOutcomes(outcomes: readonly Outcome[], maxChars = BATCH_CHARS): OutcomeBatch[] {
  const batches: OutcomeBatch[] = [];
  let texts: string[] = [];
  let members: Outcome[] = [];
  let chars = 0;
  const close = () => {
    if (members.length === 0) return;
    batches.push({ text: members.length === 1 ? texts[0]! : `{"type":"outcomes","outcomes":[${texts.join(",")}]}`, outcomes: members });
    texts = [];
    members = [];
    chars = 0;
  };
  for (const outcome of outcomes) {
    const text = encodeMessage(outcome);
    if (members.length === MESSAGE_LIMITS.outcomes || chars + text.length > maxChars) close();
    texts.push(text);
    members.push(outcome);
    chars += text.length + 1;
  }
  close();
  return batches;
}

/** Runs `fn` after the events already waiting: Node's setImmediate, a zero timeout in browsers. */
export function nextTurn(fn: () => void): void {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (immediate) immediate(fn);
  else setTimeout(fn, 0);
}
