import { afterAll, describe, expect, it } from "vitest";
import { parseJobSpec } from "@shoal/protocol";
import { JobRequestError } from "../authors/JobRequestError.ts";
import { ScriptProbe } from "./ScriptProbe.ts";

const probe = new ScriptProbe({ deadlineMs: 1000, heapMb: 128, budget: 5e7 });
afterAll(() => probe.close());

const spec = (script: string, engine: "fengari" | "wasmoon" = "fengari") => parseJobSpec({ script, engine });

async function refusal(script: string, engine?: "fengari" | "wasmoon"): Promise<JobRequestError> {
  try {
    await probe.probe(spec(script, engine));
  } catch (error) {
    if (error instanceof JobRequestError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("ScriptProbe, off the main thread", () => {
  it("says whether a script defines reduce, on either engine", async () => {
    expect(await probe.probe(spec("function map() end"))).toBe(false);
    expect(await probe.probe(spec("function map() end\nfunction reduce(v) return v end", "wasmoon"))).toBe(true);
  });

  it("reports a top-level error with its line", async () => {
    expect(await refusal("local t = nil\nlocal y = t.x\nfunction map() end")).toMatchObject({ status: 400, line: 2, message: expect.stringMatching(/^job\.lua:2: attempt to index/) });
  });

  it("stops catastrophic backtracking at the deadline, then probes the next script on a fresh thread", async () => {
    const error = await refusal('local x = ("a"):rep(600):find(".-.-.-b")\nfunction map() end');
    expect(error.status).toBe(400);
    expect(error.message).toBe("the script's top level ran longer than 1 s when the coordinator ran it once to find map; keep work inside map and reduce");
    expect(await probe.probe(spec("function map() end"))).toBe(false);
  });

  it("stops a top level that fills memory, whichever cap trips first", async () => {
    const error = await refusal("local t = {}\nfor i = 1, 1e7 do t[i] = { i } end\nfunction map() end");
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/not enough memory|used more than 128 MB of memory|ran longer than 1 s/);
    expect(await probe.probe(spec("function map() end\nfunction reduce(v) return v end"))).toBe(true);
  });

  it("refuses scripts past the most that may wait, with a 429, and takes them again once the queue drains", async () => {
    const small = new ScriptProbe({ deadlineMs: 500, heapMb: 64, budget: 1e12, maxWaiting: 2 });
    try {
      const answers = await Promise.allSettled([1, 2, 3].map(() => small.probe(spec("while true do end"))));
      expect(answers.map((a) => (a.status === "rejected" ? (a.reason as JobRequestError).status : "ran"))).toEqual([400, 400, 429]);
      expect((answers[2] as PromiseRejectedResult).reason).toMatchObject({ message: "2 scripts are waiting to be probed, the most the coordinator queues; submit again shortly" });
      expect(await small.probe(spec("function map() end"))).toBe(false);
    } finally {
      await small.close();
    }
  });

  it("probes scripts submitted together one after another, each with its own answer", async () => {
    const answers = await Promise.allSettled([
      probe.probe(spec("function map() end")),
      probe.probe(spec("while true do end")),
      probe.probe(spec("function map() end\nfunction reduce(v) return v end")),
    ]);
    expect(answers.map((a) => (a.status === "fulfilled" ? a.value : "refused"))).toEqual([false, "refused", true]);
  });
});
