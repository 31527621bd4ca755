import type { DatasetView, JobView, Json, PeerView } from "@shoal/protocol";
import { canonicalJson } from "@shoal/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEvents, shoalRunSma, SMA_SCRIPT, SMA_SPEC, SP500_CSV } from "../../testing/fixtures.ts";
import { ProtocolClient } from "../../testing/ProtocolClient.ts";
import type { ErrorBody, TestCoordinator } from "../../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../../testing/startTestCoordinator.ts";
import { TestWorker } from "../../testing/TestWorker.ts";

const post = (c: TestCoordinator, path: string, body: unknown) =>
  c.api(path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

// A job on the compiled engine: what the engine does not support is refused at check and at
// submit with a 400 naming the line and the construct (never run elsewhere instead), and a job
// it supports runs on volunteers that advertise it, with shoal run's result.

const PATTERN_SCRIPT = `function map(series, p)\n  local s = "a,b"\n  return (s:gsub(",", ";"))\nend`;

describe("the compiled engine over HTTP", () => {
  let c: TestCoordinator;
  let dataset: string;
  const clients: ProtocolClient[] = [];
  beforeAll(async () => {
    c = await startTestCoordinator();
    dataset = (await json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV }))).id;
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await c.close();
  });

  it("refuses at check a construct it does not support, naming line and construct; other engines accept the script", async () => {
    expect(await json<unknown>(post(c, "/api/check", { script: PATTERN_SCRIPT, engine: "compiled" }))).toEqual({
      ok: false,
      error: { message: "job.lua:3: method 'gsub' (string patterns and packing) is not supported by the compiled engine yet", line: 3 },
    });
    expect(await json<unknown>(post(c, "/api/check", { script: PATTERN_SCRIPT, engine: "fengari" }))).toEqual({ ok: true });
    expect(await json<unknown>(post(c, "/api/check", { script: SMA_SCRIPT, engine: "compiled" }))).toEqual({ ok: true });
    expect((await post(c, "/api/check", { script: SMA_SCRIPT, engine: "compiledd" })).status).toBe(400);
  });

  it.each([
    ["string patterns", PATTERN_SCRIPT, /^job\.lua:3: method 'gsub' \(string patterns/],
    ["coroutines", `function map()\n  return coroutine.wrap(function() end)\nend`, /^job\.lua:2: coroutine \(coroutines\)/],
    ["the quant library", `function map(series)\n\n  return quant.sma(series.close, 3)\nend`, /^job\.lua:3: quant \(the quant library\)/],
    ["load", `local f = load("return 1")\nfunction map() return f() end`, /^job\.lua:1: load \(load\)/],
  ])("refuses a submit using %s with a 400 that names the line", async (_, script, message) => {
    const response = await post(c, "/api/jobs", { dataset, spec: { ...SMA_SPEC, script, engine: "compiled" } });
    expect(response.status).toBe(400);
    const body = await json<ErrorBody>(response);
    expect(body.error).toMatch(message);
    expect(body.line).toBe(Number(/^job\.lua:(\d+):/.exec(body.error)?.[1]));
    expect(body.error).toMatch(/not supported by the compiled engine/);
    expect(await json<JobView[]>(c.api("/api/jobs"))).toEqual([]);
  });

  it("runs a compiled job on a volunteer that advertises compiled, with shoal run --engine compiled's result", async () => {
    const expected = shoalRunSma("compiled");
    const client = await ProtocolClient.connect(c.wsUrl);
    clients.push(client);
    const w = new TestWorker({ send: (text) => client.sendRaw(text), onMessage: (listener) => client.socket.on("message", (d) => listener(String(d))) }, { threads: 2, engines: ["fengari", "compiled"] });
    await w.start();
    const created = await post(c, "/api/jobs", { dataset, spec: { ...SMA_SPEC, engine: "compiled" } });
    expect(created.status).toBe(201);
    const job = await json<JobView>(created);
    const events = await readEvents(await c.api(`/api/jobs/${job.id}/events`), (e) => e === "done" || e === "failed");
    expect(events.at(-1)).toMatchObject({ event: "done" });
    expect(canonicalJson(await json<Json>(c.api(`/api/jobs/${job.id}/result`)))).toBe(await expected);
    expect(canonicalJson(await json<Json>(c.api(`/api/jobs/${job.id}/result`)))).toBe(await shoalRunSma("wasmoon"));
    const peers = await json<PeerView[]>(c.api("/api/peers"));
    expect(peers.find((p) => p.id === w.peerId)?.engines).toEqual(["fengari", "compiled"]);
  });
});
