import type { MapTaskResult } from "@shoal/protocol";
import type { ReduceTaskResult } from "../executor/TaskExecutor.ts";
import type { TaskCancel, TaskRequest, VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import { corruptJson } from "./corruptJson.ts";

/**
 * TEST ONLY: an executor that runs tasks honestly on `inner`, then corrupts every output
 * (see {@link corruptJson}), so a volunteer using it loses quorums and reputation. The grid
 * tests reach it through `shoal worker`'s hidden `--lie`.
 */
export class LyingExecutor implements VolunteerExecutor {
  readonly #inner: VolunteerExecutor;

  constructor(inner: VolunteerExecutor) {
    this.#inner = inner;
  }

  async run(request: TaskRequest, cancel?: TaskCancel): Promise<MapTaskResult | ReduceTaskResult> {
    const result = await this.#inner.run(request, cancel);
    return "outputs" in result ? { ...result, outputs: result.outputs.map(corruptJson) } : { ...result, output: corruptJson(result.output) };
  }

  forgetJob(jobId: string): void {
    this.#inner.forgetJob(jobId);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
