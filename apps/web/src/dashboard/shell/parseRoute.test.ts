import { describe, expect, it } from "vitest";
import type { Route } from "./parseRoute.ts";
import { parseRoute, routePath } from "./parseRoute.ts";

describe("parseRoute", () => {
  it.each<[string, Route]>([
    ["/dashboard", { page: "jobs" }],
    ["/dashboard/", { page: "jobs" }],
    ["/dashboard/jobs", { page: "jobs" }],
    ["/dashboard/jobs/new", { page: "new-job" }],
    ["/dashboard/jobs/j_1a", { page: "job", id: "j_1a" }],
    ["/dashboard/datasets", { page: "datasets" }],
    ["/dashboard/datasets/d_2/", { page: "dataset", id: "d_2" }],
    ["/dashboard/peers", { page: "peers" }],
    ["/dashboard/peers/p_1", { page: "not-found", path: "/dashboard/peers/p_1" }],
    ["/dashboard/jobs/j_1/extra", { page: "not-found", path: "/dashboard/jobs/j_1/extra" }],
    ["/dashboard/nope", { page: "not-found", path: "/dashboard/nope" }],
    ["/dashboard/compare/j_1/j_2", { page: "compare", a: "j_1", b: "j_2" }],
    ["/dashboard/compare/j_1", { page: "not-found", path: "/dashboard/compare/j_1" }],
    ["/dashboard/compare/j_1/j_2/j_3", { page: "not-found", path: "/dashboard/compare/j_1/j_2/j_3" }],
    [`/dashboard/compare/j_1/${"x".repeat(201)}`, { page: "not-found", path: `/dashboard/compare/j_1/${"x".repeat(201)}` }],
  ])("%s", (path, route) => {
    expect(parseRoute(path)).toEqual(route);
  });

  it("reads the job a new one starts from out of the query", () => {
    expect(parseRoute("/dashboard/jobs/new", "?from=j_7")).toEqual({ page: "new-job", from: "j_7" });
    expect(parseRoute("/dashboard/jobs/new", "?from=")).toEqual({ page: "new-job" });
    expect(parseRoute("/dashboard/jobs/j_1", "?from=j_7")).toEqual({ page: "job", id: "j_1" });
  });

  it("round-trips through routePath, encoding ids", () => {
    for (const route of [{ page: "job", id: "j/ x" }, { page: "dataset", id: "d_1" }, { page: "new-job" }, { page: "new-job", from: "j 1" }, { page: "peers" }, { page: "compare", a: "j/1", b: "j 2" }] as const) {
      const [path, search] = routePath(route).split("?");
      expect(parseRoute(path!, search === undefined ? "" : `?${search}`)).toEqual(route);
    }
  });
});
