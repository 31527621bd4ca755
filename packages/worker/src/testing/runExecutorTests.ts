import { describe, it } from "vitest";
import type { VolunteerExecutor } from "../volunteer/VolunteerExecutor.ts";
import { executorCases } from "./executorCases.ts";

/**
 * Runs the executor contract ({@link executorCases}) under vitest on fresh executors from
 * `create`; call it from the implementation's test file. WebWorkerPool runs the same cases in
 * Chromium (e2e/executorPool.spec.ts).
 */
export function runExecutorTests(name: string, create: () => VolunteerExecutor): void {
  describe(`VolunteerExecutor: ${name}`, () => {
    for (const testCase of executorCases) {
      it(testCase.name, async () => {
        const executor = create();
        try {
          await testCase.run(executor);
        } finally {
          await executor.close();
        }
      });
    }
  });
}
