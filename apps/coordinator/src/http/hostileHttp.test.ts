import type { DatasetView } from "@shoal/protocol";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeWebDist } from "../testing/fakeWebDist.ts";
import { SP500_CSV } from "../testing/fixtures.ts";
import type { TestCoordinator } from "../testing/startTestCoordinator.ts";
import { json, startTestCoordinator } from "../testing/startTestCoordinator.ts";

/** Sends `request` as raw bytes and resolves with everything the server wrote before it closed. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
    socket.write(request);
  });
}

/** A raw HEAD with Connection: close: the head and whatever followed it. */
async function head(port: number, path: string, headers = ""): Promise<{ status: number; head: string; after: string }> {
  const text = await raw(port, `HEAD ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Connection: close\r\n\r\n`);
  const end = text.indexOf("\r\n\r\n");
  return { status: Number(text.slice(9, 12)), head: text.slice(0, end).toLowerCase(), after: text.slice(end + 4) };
}

function csp(response: Response): string {
  return response.headers.get("content-security-policy") ?? "";
}

describe("the coordinator's HTTP surface under hostile use", () => {
  let c: TestCoordinator;
  beforeAll(async () => {
    c = await startTestCoordinator({ webDist: fakeWebDist() });
  });
  afterAll(() => c.close());
  let uploaded: Promise<DatasetView> | undefined;
  const dataset = () => (uploaded ??= json<DatasetView>(c.api("/api/datasets?name=sp500", { method: "POST", body: SP500_CSV })));

  it.each(["/", "/dashboard", "/dashboard/jobs/j_1", "/index.html", "/leaderboard"])("%s may not be framed by anyone and runs only our own scripts", async (path) => {
    const page = await fetch(`${c.url}${path}`);
    expect(page.status).toBe(200);
    expect(csp(page)).toContain("frame-ancestors 'none'");
    expect(csp(page)).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp(page)).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("lets any site frame the embed frame (consent lives inside it), but with the same script policy", async () => {
    const frame = await fetch(`${c.url}/embed-frame.html`);
    expect(csp(frame)).toContain("frame-ancestors *");
    expect(csp(frame)).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(frame.headers.get("x-frame-options")).toBeNull();
    expect(frame.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("gives 'unsafe-eval' to the compiled engine's worker script alone, and that script no network at all", async () => {
    const worker = await fetch(`${c.url}/assets/compiledWorker-Ab_12.js`);
    expect(worker.status).toBe(200);
    const policy = csp(worker).split(";").map((d) => d.trim());
    expect(policy).toContain("script-src 'self' 'unsafe-eval'");
    expect(policy).toContain("connect-src 'none'");
    expect(policy).toContain("worker-src 'none'");
    expect(policy).toContain("default-src 'none'");
    expect(worker.headers.get("x-content-type-options")).toBe("nosniff");
    // Every other script, page or look-alike path keeps the policy without 'unsafe-eval'.
    for (const path of ["/assets/app-1234.js", "/compiledWorker-Ab_12.js", "/assets/compiledWorker-Ab_12.js.map", "/embed.js", "/", "/embed-frame.html", "/dashboard"]) {
      const response = await fetch(`${c.url}${path}`);
      expect(csp(response), path).not.toContain("'unsafe-eval'");
    }
  });

  it("serves embed.js, assets, API answers and errors with nosniff, so none of them is sniffed into script", async () => {
    for (const path of ["/embed.js", "/assets/app-1234.js"]) {
      const script = await fetch(`${c.url}${path}`);
      expect(script.headers.get("content-type"), path).toBe("text/javascript; charset=utf-8");
      expect(script.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(script.headers.get("referrer-policy"), path).toBe("no-referrer");
    }
    for (const response of [await fetch(`${c.url}/api/jobs`), await c.api("/api/peers"), await fetch(`${c.url}/healthz`), await fetch(`${c.url}/assets/nope.js`)]) {
      expect(response.headers.get("x-content-type-options"), response.url).toBe("nosniff");
    }
  });

  it("answers HEAD like GET on every kind of GET route, with the same headers and no body", async () => {
    const shard = (await dataset()).series[0]!.shard;
    const auth = `Authorization: Bearer ${c.token}\r\n`;
    const cases: Array<[string, string]> = [
      ["/", ""],
      ["/dashboard", ""],
      ["/embed.js", ""],
      ["/healthz", ""],
      ["/metrics", ""],
      ["/api/peers", auth],
      [`/shards/${shard}`, ""],
    ];
    for (const [path, headers] of cases) {
      const get = await fetch(`${c.url}${path}`, { headers: headers ? { Authorization: `Bearer ${c.token}` } : {} });
      const answer = await head(c.port, path, headers);
      expect(answer.status, path).toBe(get.status);
      expect(answer.after, path).toBe("");
      expect(answer.head, path).toContain(`content-type: ${get.headers.get("content-type")}`);
      expect(answer.head, path).toContain(`content-length: ${get.headers.get("content-length") ?? (await get.arrayBuffer()).byteLength}`);
      expect(answer.head, path).toContain("x-content-type-options: nosniff");
    }
    const unauthorised = await head(c.port, "/api/peers");
    expect(unauthorised.status).toBe(401);
    expect(unauthorised.after).toBe("");
  });

  it("ends a HEAD on a job's event stream at once instead of holding it open", async () => {
    const body = JSON.stringify({ dataset: (await dataset()).id, spec: { script: "function map(s, p) return 1 end" } });
    const job = await json<{ id: string }>(c.api("/api/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body }));
    const answer = await head(c.port, `/api/jobs/${job.id}/events`, `Authorization: Bearer ${c.token}\r\n`);
    expect(answer.status).toBe(200);
    expect(answer.head).toContain("content-type: text/event-stream");
    expect(answer.after).toBe("");
  });

  it("still refuses methods no route has, and names HEAD among the allowed ones", async () => {
    const response = await fetch(`${c.url}/healthz`, { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers a 100 KB request path or header with 431 instead of resetting the connection, and garbage with 400", async () => {
    const longPath = await raw(c.port, `GET /${"a".repeat(100 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(longPath).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const longHeader = await raw(c.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: ${"b".repeat(100 * 1024)}\r\n\r\n`);
    expect(longHeader).toMatch(/^HTTP\/1\.1 431 /);
    const garbage = await raw(c.port, "NOT HTTP AT ALL\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage).toContain("X-Content-Type-Options: nosniff");
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
  });
});
