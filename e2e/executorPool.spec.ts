import { expect, test } from "@playwright/test";
import { executorCases } from "@shoal/worker/testing/executorCases";

/** The executor contract (packages/worker/src/testing/executorCases.ts) on WebWorkerPool in real Chromium. */

type RunExecutorCase = (name: string) => Promise<{ ok: boolean; error?: string }>;

test.beforeEach(async ({ page }) => {
  await page.goto("/executor-pool/");
  await page.waitForFunction(() => "runExecutorCase" in window);
});

for (const { name } of executorCases) {
  test(`WebWorkerPool ${name}`, async ({ page }) => {
    const outcome = await page.evaluate((name) => (window as unknown as { runExecutorCase: RunExecutorCase }).runExecutorCase(name), name);
    expect(outcome.error).toBeUndefined();
    expect(outcome.ok).toBe(true);
  });
}
