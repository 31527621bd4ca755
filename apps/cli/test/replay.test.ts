import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ShoalClient } from "@shoal/client";
import { runShoal } from "./runShoal.ts";
import { ShoalProcess } from "./shoalProcess.ts";

/*
 * `shoal replay` with real processes: a coordinator (SQLite in a temp dir) and the CLI appending
 * a CSV's bars to the latest version of a dataset, batch by batch, until done or Ctrl-C.
 */

const HEADER = "date,close\n";
const work = mkdtempSync(join(tmpdir(), "shoal-replay-"));
const spawned: ShoalProcess[] = [];
let url = "";
let token = "";
let client: ShoalClient;

/** `count` daily bars from `first` (a day number of January 2021 onward), one per line. */
function bars(first: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `${new Date(Date.UTC(2021, 0, first + i)).toISOString().slice(0, 10)},${100 + first + i}\n`).join("");
}

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

/** A new dataset of three bars, named `name`: its id. */
async function upload(name: string): Promise<string> {
  return (await client.uploadDataset(new TextEncoder().encode(HEADER + bars(1, 3)), { name })).dataset.id;
}

const replay = (args: string[]) => runShoal(["replay", "--coordinator", url, "--token", token, ...args]);
const lines = (stdout: string) => stdout.trim().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { version: number; dataset: string; bars: number; of: number; ms: number });

beforeAll(async () => {
  const coordinator = new ShoalProcess(["coordinator", "--port", "0", "--data-dir", join(work, "data")]);
  spawned.push(coordinator);
  url = (await coordinator.waitFor(/coordinator: (http:\/\/\S+) /))[1]!;
  token = (await coordinator.waitFor(/author token[^:]*: (\S+)\n/))[1]!;
  client = new ShoalClient({ url, token });
}, 60_000);

afterAll(async () => {
  await Promise.all(spawned.map((p) => p.kill9()));
});

describe("shoal replay", () => {
  it("appends the bars N at a time to the latest version, one JSON line per append, ending with every bar stored", async () => {
    const v1 = await upload("happy");
    // Someone appended already: the replay follows the version chain from the id it is given.
    const v2 = await client.appendDataset(v1, new TextEncoder().encode(HEADER + bars(4, 1)));
    const run = await replay([v1, file("happy.csv", HEADER + bars(5, 5)), "--every", "20", "--batch", "2"]);
    expect(run.code, run.stderr).toBe(0);
    const printed = lines(run.stdout);
    expect(printed.map(({ version, bars: done, of }) => [version, done, of])).toEqual([
      [3, 2, 5],
      [4, 4, 5],
      [5, 5, 5],
    ]);
    expect(run.stderr).toContain(`into dataset ${v2.id}, 2 per append every 20 ms`);
    expect(run.stderr).toMatch(/replayed 5 of 5 bars; the latest version is 5/);
    const latest = await client.getDataset(printed.at(-1)!.dataset);
    expect(latest).toMatchObject({ version: 5, rows: 9 });
    expect(latest.series[0]!.to).toBe(Date.UTC(2021, 0, 9));
  }, 60_000);

  it("stops after the append under way on SIGINT, exit 0, with the versions it made kept", async () => {
    const v1 = await upload("interrupted");
    const p = new ShoalProcess(["replay", "--coordinator", url, "--token", token, v1, file("slow.csv", HEADER + bars(4, 50)), "--every", "300"]);
    spawned.push(p);
    await p.waitFor(/"version":3/);
    p.child.kill("SIGINT");
    expect(await p.exited).toBe(0);
    const printed = lines(p.stdout);
    expect(printed.length).toBeGreaterThanOrEqual(2);
    expect(printed.length).toBeLessThan(50);
    expect(p.stderr).toMatch(new RegExp(`stopped by a signal after ${printed.length} of 50 bars`));
    const last = printed.at(-1)!;
    expect(await client.getDataset(last.dataset)).toMatchObject({ version: last.version, rows: 3 + printed.length });
  }, 60_000);

  it("refuses a bar that is not after its series' last time naming the file's line, having appended the bars before it", async () => {
    const v1 = await upload("stale");
    const run = await replay([v1, file("stale.csv", `${HEADER}${bars(4, 2)}\n${bars(2, 1)}`), "--every", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/stale\.csv:5: time 2021-01-02T00:00:00\.000Z .* is not after 2021-01-05/);
    expect(lines(run.stdout).map((line) => line.version)).toEqual([2, 3]);
  }, 60_000);

  it("exits 2 with the reason on bad arguments and files, before appending anything", async () => {
    const v1 = await upload("hostile");
    const good = file("good.csv", HEADER + bars(4, 2));
    const big = join(work, "big.csv");
    writeFileSync(big, HEADER);
    truncateSync(big, 64 * 1024 * 1024 + 1);
    const cases: [string[], RegExp][] = [
      [[v1, good], /--every MS is required/],
      [[v1, good, "--every=-1"], /--every -1: expected a whole number from 0 to 3600000/],
      [[v1, good, "--every", "1.5"], /--every 1\.5: expected a whole number from 0 to 3600000/],
      [[v1, good, "--every", "3600001"], /--every 3600001: expected a whole number/],
      [[v1, good, "--every", "10", "--batch", "0"], /--batch 0: expected a whole number from 1 to 100000/],
      [[v1, good, "--every", "10", "--batch", "1e3"], /--batch 1e3: expected a whole number/],
      [[v1, "--every", "10"], /expected DATASET FILE\.csv, got 1 arguments/],
      [[v1, good, good, "--every", "10"], /expected DATASET FILE\.csv, got 3 arguments/],
      [[v1, good, "--every", "10", "--speed", "2"], /unknown option --speed/],
      [[v1, join(work, "missing.csv"), "--every", "10"], /missing\.csv: ENOENT/],
      [[v1, big, "--every", "10"], /big\.csv: 67108865 bytes, more than the 64 MiB shoal replay reads/],
      [[v1, file("empty.csv", ""), "--every", "10"], /empty\.csv: line 1: expected the header/],
      [[v1, file("header.csv", HEADER), "--every", "10"], /header\.csv: no bars after the header/],
      [[v1, file("quoted.csv", 'date,close\n2021-01-04,"1\n2"\n'), "--every", "10"], /quoted\.csv: line 2: a quoted field spans lines/],
      [["d_nope", good, "--every", "10"], /no dataset d_nope on the coordinator/],
      [[v1, file("columns.csv", "date,open\n2021-01-04,1\n"), "--every", "10"], /columns\.csv/],
    ];
    // Four CLI processes at a time: each start costs seconds on a loaded machine.
    for (let i = 0; i < cases.length; i += 4) {
      const chunk = cases.slice(i, i + 4);
      const runs = await Promise.all(chunk.map(([args]) => replay(args)));
      for (const [j, run] of runs.entries()) {
        const [args, reason] = chunk[j]!;
        expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(2);
        expect(run.stderr, args.join(" ")).toMatch(reason);
      }
    }
    const forged = await runShoal(["replay", "--coordinator", url, "--token", "shoal_forged", v1, good, "--every", "10"]);
    expect(forged.code).toBe(2);
    expect(forged.stderr).toMatch(/refused the token/);
    const noUrl = await runShoal(["replay", "--coordinator", "ftp://x", "--token", token, v1, good, "--every", "10"]);
    expect(noUrl.stderr).toMatch(/expected an http:\/\/ or https:\/\/ URL/);
    // None of the refusals appended anything: the dataset is still at version 1.
    expect((await client.listDatasets()).filter((d) => d.parent === v1)).toEqual([]);
  }, 400_000);
});
