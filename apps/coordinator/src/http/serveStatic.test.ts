import { get } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeWebDist } from "../testing/fakeWebDist.ts";
import type { TestCoordinator } from "../testing/startTestCoordinator.ts";
import { startTestCoordinator } from "../testing/startTestCoordinator.ts";

describe("the built web app", () => {
  let c: TestCoordinator;
  beforeAll(async () => {
    c = await startTestCoordinator({ webDist: fakeWebDist() });
  });
  afterAll(() => c.close());

  it("serves the dashboard page at /dashboard and for its client routes, but not for missing files under it", async () => {
    for (const path of ["/dashboard", "/dashboard/", "/dashboard/jobs/j_123", "/dashboard/datasets/d_1/"]) {
      const page = await fetch(`${c.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
      expect(page.headers.get("cache-control")).toBe("no-cache");
      expect(await page.text(), path).toContain("<title>Shoal dashboard</title>");
    }
    expect((await fetch(`${c.url}/dashboard/missing.js`)).status).toBe(404);
    expect(await (await fetch(`${c.url}/dashboards`)).text()).toContain("<title>Shoal</title>");
  });

  it("serves the public leaderboard page at /leaderboard only", async () => {
    expect(await (await fetch(`${c.url}/leaderboard`)).text()).toContain("<title>Shoal leaderboard</title>");
    expect(await (await fetch(`${c.url}/leaderboard/x`)).text()).toContain("<title>Shoal</title>");
  });

  it("is served at /, with client routes falling back to index.html and hashed assets cached for good", async () => {
    const home = await fetch(`${c.url}/`);
    expect(home.headers.get("content-type")).toMatch(/text\/html/);
    expect(await home.text()).toContain("<title>Shoal</title>");
    expect(await (await fetch(`${c.url}/somewhere/else`)).text()).toContain("<title>Shoal</title>");
    const asset = await fetch(`${c.url}/assets/app-1234.js`);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect((await fetch(`${c.url}/assets/missing.js`)).status).toBe(404);
    const escape = await new Promise<string>((resolve) => {
      get(`${c.url}/../../../../etc/passwd`, { path: "/../../../../etc/passwd" }, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk)).on("end", () => resolve(body));
      });
    });
    expect(escape).not.toContain("root:");
    expect((await fetch(`${c.url}/api/jobs`)).status).toBe(401);
  });
});
