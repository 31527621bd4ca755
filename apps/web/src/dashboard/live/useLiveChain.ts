import { useState } from "react";
import type { LiveRunning, LiveVersion } from "@shoal/client";
import { ShoalApiError } from "@shoal/client";
import { useStream } from "../api/useStream.ts";
import type { LiveRow } from "./liveHistory.ts";
import { addVersion } from "./liveHistory.ts";

/**
 * A job's live chain as the page sees it: `checking` until the stream answers, `not-live` for an
 * ordinary job (whose view has no `live`: no stream is asked for) or a chain stopped before the page
 * opened, `running` before its first version, `waiting` for the next append after one, `stopped`,
 * or `error` when the stream broke.
 */
export interface LiveChain {
  phase: "checking" | "not-live" | "running" | "waiting" | "stopped" | "error";
  /** The newest finished version, with its result when done. */
  latest: LiveVersion | undefined;
  /** The job computing a newer version than `latest`, while one does. */
  computing: LiveRunning | undefined;
  rows: LiveRow[];
  error: string | undefined;
}

/** Follows `GET /api/jobs/{id}/live` while the page is open and the job is `live` (the stream is closed on unmount). */
export function useLiveChain(id: string, live: boolean): LiveChain {
  const [state, setState] = useState<LiveChain>({ phase: "checking", latest: undefined, computing: undefined, rows: [], error: undefined });

  useStream(
    async (client, signal) => {
      if (!live) {
        setState({ phase: "not-live", latest: undefined, computing: undefined, rows: [], error: undefined });
        return;
      }
      setState({ phase: "checking", latest: undefined, computing: undefined, rows: [], error: undefined });
      const opened = () => setState((previous) => ({ ...previous, phase: "running" }));
      const onRunning = (running: LiveRunning) =>
        setState((previous) => (previous.latest && previous.latest.version >= running.version ? previous : { ...previous, computing: running }));
      for await (const event of client.watchLive(id, { signal, onOpen: opened, onRunning })) {
        setState((previous) => {
          const latest = previous.latest && previous.latest.version > event.version ? previous.latest : event;
          const computing = previous.computing && previous.computing.version > latest.version ? previous.computing : undefined;
          return { phase: "waiting", latest, computing, rows: addVersion(previous.rows, event), error: undefined };
        });
      }
      setState((previous) => ({ ...previous, phase: "stopped", computing: undefined }));
    },
    (error, failure) => {
      const notLive = failure instanceof ShoalApiError && failure.status === 404;
      setState((previous) => (notLive && previous.rows.length === 0 ? { ...previous, phase: "not-live" } : { ...previous, phase: "error", error }));
    },
    [id, live],
  );

  return state;
}
