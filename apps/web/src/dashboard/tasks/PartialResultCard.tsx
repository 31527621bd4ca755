import { useMemo } from "react";
import type { JobView } from "@shoal/client";
import type { Json } from "@shoal/protocol";
import { useApi } from "../api/useApi.ts";
import { resultTables } from "../results/resultTables.ts";
import { SortableTable } from "../results/SortableTable.tsx";

/**
 * While a job runs: what has arrived of its result, headed "partial (N of M tasks)". A sweep
 * (no reduce) shows the outputs so far; a job with a reduce shows its map outputs so far, before
 * the reduce (which is not applied to a subset), collapsed until opened. The final result replaces
 * this card when the job is done.
 */
export function PartialResultCard({ job }: { job: JobView }) {
  const partial = useApi((client) => client.getPartialResult(job.id), [job.id], { refreshMs: 2000 });
  const data = partial.data;
  const params = useMemo(() => Object.keys(job.spec.params), [job.spec.params]);
  const table = useMemo(() => (data?.values && data.values.length > 0 ? resultTables(data.values as Json, params)[0] : undefined), [data, params]);
  if (!data) return null;
  return (
    <section className="card partial" aria-labelledby="partial-heading" data-testid="partial-result">
      <div className="card-head">
        <h2 id="partial-heading">
          Partial result <span className="partial-tag">partial ({data.done} of {data.total} tasks)</span>
        </h2>
      </div>
      {data.beforeReduce ? (
        <>
          <p className="muted">
            {data.done} of {data.total} map outputs arrived. This job's reduce runs on volunteers over all of them, so the final result waits for the last.
          </p>
          {data.values && data.values.length > 0 && (
            <details data-testid="partial-map-outputs">
              <summary>
                Map outputs so far, before the reduce ({data.values.length}
                {data.truncated ? `, first ${data.values.length} shown` : ""})
              </summary>
              {table && <SortableTable table={table} />}
            </details>
          )}
        </>
      ) : (
        <>
          <p className="muted">
            {`Outputs of the ${data.done} map tasks that arrived so far${data.truncated ? ` (first ${data.values?.length ?? 0} shown)` : ""}. Not the final result: it replaces this when the job is done.`}
          </p>
          {table && <SortableTable table={table} />}
        </>
      )}
    </section>
  );
}
