import { describe, expect, it } from "vitest";
import { runShoal } from "./runShoal.ts";

const SP500 = "public/datasets/sp500.csv";
const NOWHERE = ["--coordinator", "http://127.0.0.1:9", "--token", "T"];

describe.concurrent("shoal submit, append, worker and coordinator arguments", () => {
  it.each([
    [["submit", "examples/sma-crossover.lua", "--data", SP500, "--token", "T"], /--coordinator/],
    [["submit", ...NOWHERE.slice(0, 2), "examples/sma-crossover.lua", "--data", SP500], /--token/],
    [["submit", ...NOWHERE, "examples/sma-crossover.lua"], /--data/],
    [["submit", ...NOWHERE, "examples/sma-crossover.lua", "--data", SP500, "--quorum", "2"], /--quorum 2/],
    [["submit", ...NOWHERE, "examples/sma-crossover.lua", "--data", "missing.csv"], /missing\.csv/],
    [["submit", ...NOWHERE, "examples/sma-crossover.lua", "--data", SP500, "--dataset", "d_1"], /--data FILE\.csv or --dataset ID, not both/],
    [["submit", ...NOWHERE, "examples/sma-crossover.lua", "--dataset", "../d"], /--dataset \.\.\/d: expected a dataset id/],
    [["submit", "--coordinator", "http://a,ftp://b", "--token", "T", "examples/sma-crossover.lua", "--data", SP500], /--coordinator ftp:\/\/b: expected an http/],
    [["submit", "--coordinator", "http://a,", "--token", "T", "examples/sma-crossover.lua", "--data", SP500], /--coordinator : expected an http/],
    [["submit", "--coordinator", Array.from({ length: 17 }, (_, i) => `http://c${i}`).join(","), "--token", "T", "examples/sma-crossover.lua", "--data", SP500], /--coordinator: at most 16 URLs, not 17/],
    [["append", ...NOWHERE, "d_1"], /expected DATASET FILE\.csv, got 1 arguments/],
    [["append", "--token", "T", "d_1", SP500], /--coordinator/],
    [["append", ...NOWHERE.slice(0, 2), "d_1", SP500], /--token/],
    [["append", ...NOWHERE, "d_1", "missing.csv"], /missing\.csv/],
    [["append", "--frob"], /^shoal: unknown option --frob \(shoal append --help lists the options\)$/m],
    [["worker"], /--coordinator/],
    [["worker", "--coordinator", "ftp://x"], /http/],
    [["worker", "--coordinator", "http://x", "--transport", "carrier-pigeon"], /--transport/],
    [["worker", "--coordinator", "http://x", "--cache-size", "lots"], /--cache-size/],
    [["worker", "--coordinator", "http://x", "--donor-key", "short"], /--donor-key: a donor key is 32 to 64/],
    [["coordinator", "--peer-retention", "forever"], /--peer-retention: bad duration/],
    [["run", "examples/sma-crossover.lua", "--bogus"], /^shoal: unknown option --bogus \(shoal run --help lists the options\)$/m],
    [["submit", "--frob"], /^shoal: unknown option --frob \(shoal submit --help lists the options\)$/m],
    [["worker", "--threads"], /^shoal: --threads needs a value \(shoal worker --help lists the options\)$/m],
    [["coordinator", "--zz"], /^shoal: unknown option --zz \(shoal coordinator --help lists the options\)$/m],
    [["coordinator", "--max-tasks-per-job", "lots"], /--max-tasks-per-job lots: expected an integer from 1 to/],
    [["coordinator", "--max-queued-tasks", "0"], /--max-queued-tasks 0: expected an integer from 1 to/],
    [["coordinator", "--heartbeat", "0.5s"], /--heartbeat 0\.5s: expected from 1s to 1m/],
    [["coordinator", "--heartbeat", "soon"], /--heartbeat: bad duration "soon"/],
    [["coordinator", "--silence-timeout", "15s"], /--silence-timeout 15s: expected from two heartbeats \(20s\) to 10m/],
    [["coordinator", "--heartbeat", "2s", "--silence-timeout", "3s"], /--silence-timeout 3s: expected from two heartbeats \(4s\) to 10m/],
    [["coordinator", "--silence-timeout", "1d"], /--silence-timeout 1d: expected from two heartbeats \(20s\) to 10m/],
    [["coordinator", "--silence-timeout=-5s"], /--silence-timeout: bad duration "-5s"/],
    [["coordinator", "--max-points", "200000"], /--max-points 200000: expected an integer from 1 to 100000/],
    [["coordinator", "--max-task-memos", "0"], /--max-task-memos 0: expected an integer from 1 to/],
    [["coordinator", "--max-live-jobs", "0"], /--max-live-jobs 0: expected an integer from 1 to/],
    [["coordinator", "--max-live-jobs", "many"], /--max-live-jobs many: expected an integer from 1 to/],
    [["coordinator", "--max-live-jobs-per-token", "0"], /--max-live-jobs-per-token 0: expected an integer from 1 to/],
    [["coordinator", "--max-live-jobs-per-token", "2.5"], /--max-live-jobs-per-token 2.5: expected an integer from 1 to/],
    [["coordinator", "--lease-ttl", "5s"], /--lease-ttl needs --store/],
    [["coordinator", "--store", "postgres://u@127.0.0.1:1/db", "--lease-ttl", "500ms"], /--lease-ttl 500ms: expected from 1s to 10m/],
    [["coordinator", "--store", "postgres://u@127.0.0.1:1/db", "--lease-ttl", "1h"], /--lease-ttl 1h: expected from 1s to 10m/],
    [["coordinator", "--store", "postgres://u@127.0.0.1:1/db", "--lease-ttl", "soon"], /--lease-ttl: bad duration "soon"/],
    [["submit", ...NOWHERE, "examples/sma-crossover.lua", "--data", SP500, "--live=yes"], /--live/],
    [["coordinator", "--max-task-memos", "1e6"], /--max-task-memos 1e6: expected an integer from 1 to/],
    [["coordinator", "--max-task-memos", "99999999999999999999"], /--max-task-memos 99999999999999999999: expected an integer from 1 to 9007199254740991/],
  ])("exits 2 with a one-line reason %#", async (args, reason) => {
    const run = await runShoal(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(reason);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("reports a Lua syntax error as job.lua:LINE before contacting the coordinator", async () => {
    const syntax = await runShoal(["submit", ...NOWHERE, "apps/cli/test/fixtures/syntax.lua", "--data", SP500]);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toMatch(/^job\.lua:3: /m);
  });

  it("exits 1 naming the coordinator when it cannot be reached", async () => {
    const run = await runShoal(["submit", ...NOWHERE, "examples/sma-crossover.lua", "--data", SP500]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/http:\/\/127\.0\.0\.1:9/);
  });
});
