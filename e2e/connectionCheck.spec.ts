import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import type { Coturn } from "../packages/worker/src/node/testing/startCoturn.ts";
import { startCoturn } from "../packages/worker/src/node/testing/startCoturn.ts";
import { TestGrid } from "./support/grid.ts";

/*
 * The donor page's "Check connection" in real Chromium, against a coordinator started with
 * --ice-servers and --turn-secret-file and a real coturn on 127.0.0.1: the browser gathers a
 * relay candidate with the credentials from its welcome and opens a data channel through coturn.
 */

let coturn: Coturn;
const grid = new TestGrid();

test.beforeAll(async () => {
  coturn = await startCoturn({ port: 8185, minPort: 49120, maxPort: 49139 });
  const iceFile = join(grid.dataDir, "ice.json");
  writeFileSync(iceFile, JSON.stringify([{ urls: coturn.url }]));
  const secretFile = join(grid.dataDir, "turn.secret");
  writeFileSync(secretFile, coturn.secret);
  await grid.start(["--ice-servers", iceFile, "--turn-secret-file", secretFile]);
});
test.afterAll(async () => {
  await grid.stop();
  await coturn?.close();
});

test("Check connection shows the coordinator, the candidates and a data channel through the TURN relay, at desktop and phone width", async ({ browser }) => {
  for (const [name, viewport] of [
    ["connection-desktop", { width: 1280, height: 800 }],
    ["connection-phone", { width: 390, height: 844 }],
  ] as const) {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${grid.url}/`);
    await page.getByTestId("check-connection").click();
    await expect(page.getByTestId("connection-verdict")).toHaveText("All checks passed", { timeout: 30_000 });
    await expect(page.getByTestId("connection-coordinator")).toContainText("reachable over WebSocket");
    await expect(page.getByTestId("connection-ice-servers")).toHaveText("0 STUN, 1 TURN");
    await expect(page.getByTestId("connection-ice-candidates")).toHaveText(/^[1-9]\d* host, \d+ srflx, [1-9]\d* relay$/);
    await expect(page.getByTestId("connection-turn-relay")).toHaveText(/^data channel open: RTT [\d.]+ ms, [\d.]+ MB\/s$/);
    await expect(page.getByTestId("connection-reach")).toContainText("direct");
    console.log(`${name}: ${await page.getByTestId("connection-report").innerText()}`);
    await page.getByTestId("connection-report").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `e2e/screenshots/${name}.png` });
    await context.close();
  }
});
