import type { BrowserServer, Page } from "@playwright/test";
import { chromium, expect, test } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./support/findChromium.ts";
import { firstDifference, runShoal, TestGrid } from "./support/grid.ts";
import { signalTree } from "./support/processTree.ts";
import { startDonor } from "./support/startDonor.ts";

/*
 * Donor liveness against a coordinator that drops a volunteer after 6 s of silence. A donor whose
 * page timers are throttled (a background tab) still heartbeats, from its ticker Web Worker. A donor browser that dies without a word (its whole process tree frozen, then killed: no close
 * frame, no FIN, as when a laptop lid shuts or the OS kills the tab) leaves the grid once it has
 * been silent for the coordinator's --silence-timeout; its tasks go to the remaining Node worker
 * and the job's result equals `shoal run`'s.
 */

/** Seconds of silence after which the coordinator drops a volunteer in this spec (two heartbeats of 2 s, plus room). */
const SILENCE = ["--heartbeat", "2s", "--silence-timeout", "6s"];
/** Tasks slow enough that the donor still holds its leases when it dies. */
const SLOW = `-- Slow sum
function map(series, p)
  local x = 0
  for i = 1, 3000000 do x = x + (i * p.n) % 7 end
  return { key = series.key, n = p.n, x = x, rows = #series.close }
end
`;

test.describe.configure({ mode: "serial" });

const grid = new TestGrid();
let server: BrowserServer | undefined;

test.beforeAll(async () => {
  await grid.start(SILENCE);
});

test.afterAll(async () => {
  const pid = server?.process().pid;
  if (pid !== undefined) signalTree(pid, "SIGKILL");
  await grid.stop();
});

interface Peer {
  id: string;
  runtime: string | null;
  leases: number;
}

async function peers(): Promise<Peer[]> {
  return (await (await fetch(`${grid.url}/api/peers`, { headers: { Authorization: `Bearer ${grid.token}` } })).json()) as Peer[];
}

async function openPeersPage(page: Page): Promise<void> {
  await page.addInitScript((token) => localStorage.setItem("shoal.authorToken", token), grid.token);
  await page.goto(`${grid.url}/dashboard/peers`);
}

test("a donor whose page timers never fire (a throttled background tab) keeps heartbeating from its Web Worker and stays connected", async ({ browser }) => {
  const donor = await startDonor(browser, grid.url);
  const context = donor.context();
  // The harshest throttling: from now on the page's own intervals never run (workers keep their timers).
  await donor.evaluate(() => {
    for (let id = 0; id < 100_000; id++) window.clearInterval(id);
    window.setInterval = (() => 0) as unknown as typeof window.setInterval;
  });
  expect(donor.workers().some((worker) => worker.url().includes("tickerWorker"))).toBe(true);
  const [peer] = await peers();
  expect(peer).toMatchObject({ runtime: "browser" });
  // Three silence timeouts with nothing to do: only heartbeats can keep it listed.
  await donor.waitForTimeout(18_000);
  expect((await peers()).map((p) => p.id)).toEqual([peer!.id]);
  expect(grid.coordinator!.stderr).not.toMatch(new RegExp(`peer ${peer!.id} [^\\n]*(sent nothing|left:)`));
  await context.close();
  await expect.poll(async () => (await peers()).length, { timeout: 30_000 }).toBe(0);
});

test("a donor browser that dies silently is dropped after the silence timeout, and the job finishes on a Node worker as shoal run prints it", async ({ page }) => {
  test.setTimeout(240_000);
  const script = grid.script("slow.lua", SLOW);
  const job = [script, "--data", "public/datasets/sp500.csv", "--param", "n=1,2,3,4,5,6,7,8", "--batch", "1"];
  const reference = runShoal(["run", ...job, "--threads", "2"]);

  server = await chromium.launchServer({ executablePath: findChromium(), args: [...CHROMIUM_ARGS, "--disable-features=WebRtcHideLocalIpsWithMdns"] });
  const doomed = await chromium.connect(server.wsEndpoint());
  const donor = await (await doomed.newContext()).newPage();
  await donor.goto(`${grid.url}/`);
  await expect(donor.getByTestId("toggle")).toBeEnabled();
  await donor.getByTestId("toggle").click();
  await expect(donor.getByTestId("state")).toContainText("Running", { timeout: 20_000 });
  const [browserPeer] = await peers();
  expect(browserPeer).toMatchObject({ runtime: "browser" });

  const submitted = grid.submit(job);
  await expect.poll(async () => (await peers()).find((p) => p.id === browserPeer!.id)?.leases ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
  await grid.worker(["--threads", "2"]);
  await openPeersPage(page);
  await expect(page.getByTestId("peer-runtime")).toHaveText(["Browser", "Node"], { timeout: 10_000 });

  const frozen = signalTree(server.process().pid!, "SIGSTOP");
  expect(frozen.length).toBeGreaterThan(1);
  await expect.poll(async () => (await peers()).map((p) => p.runtime), { timeout: 60_000 }).toEqual(["node"]);
  const dropped = await grid.coordinator!.waitFor(new RegExp(`peer ${browserPeer!.id} [^\\n]*? sent nothing for (\\d+) s; closing it`), 1000);
  expect(Number(dropped[1])).toBeGreaterThanOrEqual(6);
  await expect(page.getByTestId("peer-runtime")).toHaveText(["Node"]);
  signalTree(server.process().pid!, "SIGKILL");

  const result = await submitted.result();
  const run = await reference;
  expect(run.code, run.stderr).toBe(0);
  expect(firstDifference(JSON.parse(run.stdout), result)).toBeUndefined();
});
