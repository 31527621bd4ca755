import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestCoordinator } from "../testing/startTestCoordinator.ts";
import { startTestCoordinator } from "../testing/startTestCoordinator.ts";
import { apiRouter } from "./createRequestHandler.ts";
import type { HttpDeps } from "./HttpDeps.ts";
import { openApiDocument } from "./openApiDocument.ts";
import { PUBLIC_CREDIT_PATHS } from "./routes/creditRoutes.ts";
import { PUBLIC_API_PATHS } from "./routes/systemRoutes.ts";

type Operation = { security: unknown[]; requestBody?: { content: Record<string, { schema: { properties: Record<string, { properties?: Record<string, unknown> }> } }> } };
const document = openApiDocument() as { paths: Record<string, Record<string, Operation>> };
const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`));

describe("the OpenAPI document", () => {
  it("describes every route the coordinator registers, and no other", () => {
    // Registering routes touches no dependency; only handling a request would.
    const registered = apiRouter({} as HttpDeps)
      .routes()
      .map(({ method, path }) => `${method} ${path}`);
    expect(registered.length).toBeGreaterThan(15);
    expect(documented.sort()).toEqual(registered.sort());
  });

  it("gives the job body the job spec schema the coordinator validates with", () => {
    const spec = document.paths["/api/jobs"]?.post?.requestBody?.content["application/json"]?.schema.properties.spec;
    expect(spec?.properties).toMatchObject({ script: { type: "string" }, engine: { enum: ["fengari", "wasmoon", "compiled"] }, halo: { type: "integer", maximum: 1_000_000 } });
  });

  it("asks a token of every /api route but the public ones the handler lets through", () => {
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const operation of Object.values(operations)) expect(operation.security.length > 0, path).toBe(path.startsWith("/api/") && !PUBLIC_API_PATHS.has(path) && !PUBLIC_CREDIT_PATHS.has(path));
    }
  });
});

describe("GET /api/openapi.json", () => {
  let c: TestCoordinator;
  beforeAll(async () => {
    c = await startTestCoordinator();
  });
  afterAll(() => c.close());

  it("is served to anyone, cacheable, and revalidates with its ETag", async () => {
    const response = await fetch(`${c.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=3600");
    expect(await response.json()).toEqual(openApiDocument());
    const again = await fetch(`${c.url}/api/openapi.json`, { headers: { "If-None-Match": response.headers.get("etag") ?? "" } });
    expect(again.status).toBe(304);
  });

  it("opens nothing else: neighbours, dot segments and other methods still need the token or are refused", async () => {
    for (const path of ["/api/openapi.json/../jobs", "/api/openapi.json/x", "/api/openapi.jsonx", "/api/OPENAPI.json", "/api/openapi.json%2f..%2fjobs"]) {
      expect((await fetch(`${c.url}${path}`)).status, path).toBe(401);
    }
    const post = await fetch(`${c.url}/api/openapi.json`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect((await c.api("/api/jobs")).status).toBe(200);
  });
});
