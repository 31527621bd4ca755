import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DonorStanding, JobId, StatsExport, StatsPage, TaskId } from "@shoal/protocol";
import { PROTOCOL_VERSION } from "@shoal/protocol";
import { SqliteStore } from "../../store/SqliteStore.ts";
import { hashSecret } from "../../volunteers/sessionSecret.ts";
import { ProtocolClient } from "../../testing/ProtocolClient.ts";
import type { ErrorBody, TestCoordinator } from "../../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../../testing/startTestCoordinator.ts";

const KEY = "ada-donor-key-0123456789abcdefghijklmnopq";
const STRANGER = "stranger-key-0123456789abcdefghijklmnopqr";
const open = (c: TestCoordinator, path: string, init: RequestInit = {}) => fetch(`${c.url}${path}`, init);
const donor = (c: TestCoordinator, body: unknown) => open(c, "/api/donor", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });

describe("the public credit API", () => {
  let c: TestCoordinator;
  let side: SqliteStore;
  let volunteer: ProtocolClient;
  beforeAll(async () => {
    c = await startTestCoordinator({ publicRequestsPerSecond: 1000 });
    volunteer = await ProtocolClient.connect(c.wsUrl);
    volunteer.send({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: ["fengari"], shards: [], donor: { key: KEY } });
    await volunteer.next("welcome");
    // A second connection to the same database, as another process would open it: entries at fixed past times.
    side = new SqliteStore(join(c.dataDir, "shoal.db"));
    const at = (time: string, task: string, who: string, units: number, extra = {}) => ({ jobId: "j" as JobId, taskId: `j/map/${task}` as TaskId, account: who, units, at: time, ...extra });
    side.credit.record([
      at("2020-01-01T10:15:00.000Z", "0", `d:${hashSecret(KEY)}`, 30, { donor: hashSecret(KEY), team: "Engines" }),
      at("2020-01-01T11:15:00.000Z", "1", `d:${hashSecret(KEY)}`, 12, { donor: hashSecret(KEY), team: "Engines" }),
      at("2020-01-01T11:20:00.000Z", "1", "s:example.org", 12, { site: "example.org" }),
    ]);
  });
  afterAll(async () => {
    volunteer.close();
    side.close();
    await c.close();
  });

  it("serves a board without a token, ranked, and keeps every other /api route behind it", async () => {
    const page = await json<StatsPage>(open(c, "/api/stats?board=donors&window=all"));
    expect(page).toMatchObject({ board: "donors", window: "all", total: 1, offset: 0, rows: [{ rank: 1, credit: 42, results: 2 }] });
    expect(JSON.stringify(page)).not.toContain(hashSecret(KEY));
    expect((await json<StatsPage>(open(c, "/api/stats?board=teams"))).rows).toEqual([{ rank: 1, id: "Engines", name: "Engines", credit: 42, results: 2 }]);
    expect((await json<StatsPage>(open(c, "/api/stats?board=sites&window=24h"))).rows).toEqual([]);
    expect((await open(c, "/api/statsx")).status).toBe(401);
    expect((await open(c, "/api/jobs")).status).toBe(401);
  });

  it.each([
    ["an unknown board", "board=admins", /board must be one of donors, teams, sites/],
    ["an unknown window", "window=1y", /window must be one of 24h, 7d, all/],
    ["a page too large", "limit=101", /limit must be a whole number from 1 to 100/],
    ["a negative offset", "offset=-1", /offset must be/],
    ["an offset past the deepest page", "offset=99999999", /offset must be/],
    ["a repeated parameter", "board=donors&board=teams", /given more than once/],
    ["an unknown parameter", "sort=name", /unknown query parameter "sort"/],
    ["an hour on the live board", "hour=2020-01-01T10", /unknown query parameter "hour"/],
  ])("refuses %s with a 400 that says what is allowed", async (_name, query, reason) => {
    const response = await open(c, `/api/stats?${query}`);
    expect(response.status).toBe(400);
    expect((await json<ErrorBody>(response)).error).toMatch(reason);
  });

  it("exports totals as of the end of a past hour, marked immutable, and the same after later credit", async () => {
    const ten = await open(c, "/api/stats/export?hour=2020-01-01T10&board=teams");
    expect(ten.headers.get("cache-control")).toMatch(/immutable/);
    const first = await json<StatsExport>(ten);
    expect(first).toMatchObject({ hour: "2020-01-01T10", until: "2020-01-01T11:00:00.000Z", total: 1, rows: [{ id: "Engines", credit: 30 }] });
    expect((await json<StatsExport>(open(c, "/api/stats/export?hour=2020-01-01T11&board=sites"))).rows).toMatchObject([{ id: "example.org", credit: 12 }]);
    side.credit.record([{ jobId: "k" as JobId, taskId: "k/map/0" as TaskId, account: `d:${hashSecret(KEY)}`, donor: hashSecret(KEY), team: "Engines", units: 5, at: new Date().toISOString() }]);
    expect(await json<StatsExport>(open(c, "/api/stats/export?hour=2020-01-01T10&board=teams"))).toEqual(first);
  });

  it.each([
    ["no hour", "", 400, /hour is required/],
    ["the hour now running", `hour=${new Date().toISOString().slice(0, 13)}`, 409, /has not ended yet/],
    ["a month 13", "hour=2020-13-01T10", 400, /a real hour/],
    ["hour 24", "hour=2020-01-01T24", 400, /a real hour/],
    ["minutes", "hour=2020-01-01T10:00", 400, /YYYY-MM-DDTHH/],
    ["an export page too large", "hour=2020-01-01T10&limit=1001", 400, /limit must be/],
  ])("refuses an export with %s", async (_name, query, status, reason) => {
    const response = await open(c, `/api/stats/export?${query}`);
    expect(response.status).toBe(status);
    expect((await json<ErrorBody>(response)).error).toMatch(reason);
  });

  it("closes a session whose hello carries a malformed donor, and binds nothing for it", async () => {
    const hostile = await ProtocolClient.connect(c.wsUrl);
    hostile.sendRaw(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], shards: [], donor: { key: STRANGER, name: "Mallory" } }));
    expect((await hostile.next("error")).message).toMatch(/donor/);
    await hostile.closed;
    expect((await donor(c, { key: STRANGER, profile: { name: "Mallory" } })).status).toBe(404);
  });

  it("lets the key's holder name itself and its team, and answers its standing; renaming keeps the credit", async () => {
    expect(await json<DonorStanding>(donor(c, { key: KEY, profile: { name: "Ada", team: "Engines" } }))).toMatchObject({ name: "Ada", team: "Engines", rank: 1 });
    // Markup is only text here: pages render names as text nodes, never as HTML.
    expect(await json<DonorStanding>(donor(c, { key: KEY, profile: { name: "<img src=x onerror=alert(1)>" } }))).toMatchObject({ name: "<img src=x onerror=alert(1)>" });
    const renamed = await json<DonorStanding>(donor(c, { key: KEY, profile: { name: "Countess" } }));
    expect(renamed).toMatchObject({ name: "Countess", credit: 47, results: 3, rank: 1 });
    expect(renamed.team).toBeUndefined();
    expect(await json<DonorStanding>(donor(c, { key: STRANGER }))).toEqual({ credit: 0, results: 0 });
  });

  it.each([
    ["a key that never donated naming itself", { key: STRANGER, profile: { name: "Mallory" } }, 404, /has not donated yet/],
    ["a name with a right-to-left override", { key: KEY, profile: { name: "Ada\u202Egnp.exe" } }, 400, /profile\.name/],
    ["a name with a newline", { key: KEY, profile: { name: "Ada\ninfo job submitted" } }, 400, /profile\.name/],
    ["a name of 33 characters", { key: KEY, profile: { name: "x".repeat(33) } }, 400, /at most 32/],
    ["a short key", { key: "abc" }, 400, /key/],
    ["an extra field", { key: KEY, credit: 1e9 }, 400, /expected \{key/],
    ["a body past 1 KB", { key: KEY, profile: { name: "x".repeat(2000) } }, 413, /larger than 1024/],
    ["not JSON", "{", 400, /not JSON/],
  ])("refuses %s", async (_name, body, status, reason) => {
    const response = await donor(c, body);
    expect(response.status).toBe(status);
    expect((await json<ErrorBody>(response)).error).toMatch(reason);
    expect((await json<DonorStanding>(donor(c, { key: KEY }))).name).toBe("Countess");
  });

});

describe("the public credit API under a flood", () => {
  it("answers a flood from one address with 429 before it costs a query each, and the rest with 200", async () => {
    const c = await startTestCoordinator({ publicRequestsPerSecond: 5 });
    try {
      const statuses = await Promise.all(Array.from({ length: 40 }, () => donor(c, { key: KEY }).then((r) => r.status)));
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30);
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    } finally {
      await c.close();
    }
  });
});
