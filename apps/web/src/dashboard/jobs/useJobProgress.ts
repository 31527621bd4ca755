import { useEffect, useState } from "react";
import type { JobView } from "@shoal/client";
import { ShoalApiError } from "@shoal/client";
import { describeError, TOKEN_REFUSED } from "../api/useApi.ts";
import { useSession } from "../shell/SessionContext.ts";
import type { ProgressSample } from "./progressEstimate.ts";

const FINAL = new Set(["done", "failed", "cancelled"]);
const MAX_SAMPLES = 600;

/** A job followed live: its latest view from the progress stream, the done-count samples for the ETA, and a stream error. */
export interface JobProgress {
  job: JobView | undefined;
  samples: ProgressSample[];
  error: string | undefined;
}

/** Follows a job's server-sent progress events until its final one; the view updates on every event. */
export function useJobProgress(id: string): JobProgress {
  const { client, signOut } = useSession();
  const [state, setState] = useState<JobProgress>({ job: undefined, samples: [], error: undefined });

  useEffect(() => {
    const abort = new AbortController();
    setState({ job: undefined, samples: [], error: undefined });
    const seen = (job: JobView) =>
      setState((previous) => ({ job, error: undefined, samples: [...previous.samples, { at: Date.now(), done: job.tasks.done }].slice(-MAX_SAMPLES) }));
    (async () => {
      const first = await client.getJob(id);
      seen(first);
      if (FINAL.has(first.status)) return;
      for await (const event of client.watchJob(id, { signal: abort.signal })) seen(event.job);
    })().catch((failure: unknown) => {
      if (abort.signal.aborted) return;
      if (failure instanceof ShoalApiError && failure.status === 401) signOut(TOKEN_REFUSED);
      setState((previous) => ({ ...previous, error: describeError(failure) }));
    });
    return () => abort.abort();
  }, [client, signOut, id]);

  return state;
}
