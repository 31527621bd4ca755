import { useState } from "react";
import type { JobView } from "@shoal/client";
import { useStream } from "../api/useStream.ts";
import type { ProgressSample } from "./progressEstimate.ts";

const FINAL = new Set(["done", "failed", "cancelled"]);
const MAX_SAMPLES = 600;

/** A job followed live: its latest view from the progress stream, the done-count samples for the ETA, and a stream error. */
export interface JobProgress {
  job: JobView | undefined;
  samples: ProgressSample[];
  error: string | undefined;
}

/** Follows a job's server-sent progress events until its final one; the view updates on every event. No id, no stream. */
export function useJobProgress(id: string | undefined): JobProgress {
  const [state, setState] = useState<JobProgress>({ job: undefined, samples: [], error: undefined });

  useStream(
    async (client, signal) => {
      setState({ job: undefined, samples: [], error: undefined });
      if (id === undefined) return;
      const seen = (job: JobView) =>
        setState((previous) => ({ job, error: undefined, samples: [...previous.samples, { at: Date.now(), done: job.tasks.done }].slice(-MAX_SAMPLES) }));
      const first = await client.getJob(id);
      seen(first);
      if (FINAL.has(first.status)) return;
      for await (const event of client.watchJob(id, { signal })) seen(event.job);
    },
    (error) => setState((previous) => ({ ...previous, error })),
    [id],
  );

  return state;
}
