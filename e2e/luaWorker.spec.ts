import type { Page } from "@playwright/test";
import { expect, test } from "@playwright/test";

/** The Lua sandbox as donors will run it: packages/lua in a dedicated Web Worker of real Chromium. */

interface LuaResponse {
  ok: boolean;
  value?: unknown;
  log?: string[];
  error?: string;
}

type RunLua = (request: { source: string; close: number[]; p: Record<string, unknown>; budget?: number }, deadlineMs?: number) => Promise<LuaResponse>;

const CLOSE = Array.from({ length: 300 }, (_, i) => 100 + Math.sin(i / 7) * 10 + i * 0.05);

test.beforeEach(async ({ page }) => {
  await page.goto("/lua-worker/");
  await page.waitForFunction(() => "runLua" in window);
});

async function runLua(page: Page, source: string, p: Record<string, unknown> = {}, budget?: number, deadlineMs?: number) {
  return page.evaluate(
    ([source, close, p, budget, deadlineMs]) => (window as unknown as { runLua: RunLua }).runLua({ source, close, p, budget }, deadlineMs),
    [source, CLOSE, p, budget, deadlineMs] as const,
  );
}

test("runs a job with ts builtins and math.random seeded for agreement", async ({ page }) => {
  const source = `
    function map(series, p)
      local sma = ts.rolling_mean(series.close, p.n)
      local above = 0
      for t = p.n, #sma do if series.close[t] > sma[t] then above = above + 1 end end
      print("rows", #series.close)
      return { above = above, r = math.random(1000), first = series.first }
    end`;
  const a = await runLua(page, source, { n: 20 });
  const b = await runLua(page, source, { n: 20 });
  expect(a.ok, a.error).toBe(true);
  expect(a.value).toEqual(b.value);
  expect(a.log).toEqual(["rows\t300"]);
  const expectedAbove = CLOSE.filter((c, i) => i >= 19 && c > CLOSE.slice(i - 19, i + 1).reduce((s, x) => s + x, 0) / 20).length;
  expect((a.value as { above: number }).above).toBe(expectedAbove);
});

test("keeps the browser out of reach: no js bridge, os, io, require", async ({ page }) => {
  const source = `
    function map(series, p)
      return { js = type(js), os = type(os), io = type(io), require = type(require), package = type(package), debug = type(debug) }
    end`;
  const result = await runLua(page, source);
  expect(result.value).toEqual({ js: "nil", os: "nil", io: "nil", require: "nil", package: "nil", debug: "nil" });
});

test("stops a runaway loop by budget and by deadline while the page stays responsive", async ({ page }) => {
  const loop = "function map(series, p) while true do end end";
  const byBudget = await runLua(page, loop, {}, 1_000_000);
  expect(byBudget.ok).toBe(false);
  expect(byBudget.error).toMatch(/instruction budget exceeded/);

  const ticksBefore = await page.evaluate(() => (window as unknown as { ticks: () => number }).ticks());
  const byDeadline = await runLua(page, loop, {}, 1e12, 1500);
  expect(byDeadline.error).toMatch(/deadline of 1500 ms exceeded/);
  const ticksAfter = await page.evaluate(() => (window as unknown as { ticks: () => number }).ticks());
  expect(ticksAfter - ticksBefore).toBeGreaterThan(10);

  const after = await runLua(page, "function map(series, p) return #series.close end");
  expect(after.value).toBe(300);
  await page.screenshot({ path: "e2e/screenshots/lua-worker.png" });
});
