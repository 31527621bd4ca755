import { useState } from "react";
import type { LiveVersion } from "@shoal/client";
import { ShoalApiError } from "@shoal/client";
import { useStream } from "../api/useStream.ts";
import type { LiveRow } from "./liveHistory.ts";
import { addVersion } from "./liveHistory.ts";

/**
 * A job's live chain as the page sees it: `checking` until the stream answers, `not-live` for an
 * ordinary job (or a chain stopped before the page opened), `running` before its first version,
 * `waiting` for the next append after one, `stopped`, or `error` when the stream broke.
 */
export interface LiveChain {
  phase: "checking" | "not-live" | "running" | "waiting" | "stopped" | "error";
  /** The newest finished version, with its result when done. */
  latest: LiveVersion | undefined;
  rows: LiveRow[];
  error: string | undefined;
}

/** Follows `GET /api/jobs/{id}/live` while the page is open (the stream is closed on unmount). */
export function useLiveChain(id: string): LiveChain {
  const [state, setState] = useState<LiveChain>({ phase: "checking", latest: undefined, rows: [], error: undefined });

  useStream(
    async (client, signal) => {
      setState({ phase: "checking", latest: undefined, rows: [], error: undefined });
      const opened = () => setState((previous) => ({ ...previous, phase: "running" }));
      for await (const event of client.watchLive(id, { signal, onOpen: opened })) {
        setState((previous) => ({ phase: "waiting", latest: previous.latest && previous.latest.version > event.version ? previous.latest : event, rows: addVersion(previous.rows, event), error: undefined }));
      }
      setState((previous) => ({ ...previous, phase: "stopped" }));
    },
    (error, failure) => {
      const notLive = failure instanceof ShoalApiError && failure.status === 404;
      setState((previous) => (notLive && previous.rows.length === 0 ? { ...previous, phase: "not-live" } : { ...previous, phase: "error", error }));
    },
    [id],
  );

  return state;
}
