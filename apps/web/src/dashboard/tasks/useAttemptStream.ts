import { useRef } from "react";
import type { AttemptTimeline } from "@shoal/protocol";
import { MAX_TIMELINE_ATTEMPTS } from "@shoal/protocol";
import type { ApiState } from "../api/useApi.ts";
import { useApi } from "../api/useApi.ts";
import { mergeAttempts } from "./mergeAttempts.ts";

/** Pages of changes read in one poll before waiting for the next, when more wait than a page holds. */
const MAX_PAGES_PER_POLL = 4;

/**
 * A job's latest attempts, polled every 2 s while `active`: the whole timeline once, then only
 * the attempts that changed since the last answer's cursor (`?since=`), merged into what it holds.
 * A refused cursor (another or a wiped coordinator) starts over with a whole timeline.
 */
export function useAttemptStream(id: string, active: boolean): ApiState<AttemptTimeline> {
  const held = useRef<{ id: string; timeline: AttemptTimeline | undefined }>({ id, timeline: undefined });
  if (held.current.id !== id) held.current = { id, timeline: undefined };
  return useApi(
    async (client) => {
      const start = held.current;
      if (!start.timeline) {
        const whole = await client.getAttempts(id);
        if (held.current === start && !start.timeline) start.timeline = whole;
        return start.timeline ?? whole;
      }
      let timeline = start.timeline;
      try {
        for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
          const changed = await client.getAttempts(id, { since: timeline.cursor });
          timeline = { total: changed.total, cursor: changed.cursor, attempts: mergeAttempts(timeline.attempts, changed.attempts, MAX_TIMELINE_ATTEMPTS) };
          if (!changed.more) break;
        }
      } catch (failure) {
        start.timeline = undefined;
        throw failure;
      }
      // An answer overtaken by a later one (a slow poll) is dropped, never merged over it.
      if (held.current === start && start.timeline && timeline.cursor >= start.timeline.cursor) start.timeline = timeline;
      return start.timeline ?? timeline;
    },
    [id],
    active ? { refreshMs: 2000 } : {},
  );
}
