import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { canonicalJson } from "@shoal/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCliPackage } from "../../../scripts/packages/buildCliPackage.ts";
import { buildClientPackage } from "../../../scripts/packages/buildClientPackage.ts";
import { ROOT } from "./runShoal.ts";
import { ShoalProcess } from "./shoalProcess.ts";

/*
 * Shoal outside its repository: the packages are built and packed as a release would be, installed
 * from the tarballs into a temporary project (no workspace, no dev dependencies, install scripts off
 * as on a volunteer's machine without a C++ toolchain), and used there: the installed `shoal worker`
 * serves, over WebRTC, a coordinator started from the source tree, a plain .mjs script drives a job through the
 * installed SDK, and its result is what the installed `shoal run` prints. The dashboard build is left
 * out of this test's package (vite takes longer than the rest); `npm run build:packages` includes it.
 */

const run = promisify(execFile);
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const DATA = join(ROOT, "public/datasets/sp500.csv");
const SCRIPT = join(ROOT, "examples/sma-crossover.lua");
const SWEEP = ["--param", "fast=5,10", "--param", "slow=50,100", "--split", "rows=1000", "--halo", "100"];

const SDK_SCRIPT = `
import { readFileSync } from "node:fs";
import { ShoalApiError, ShoalClient } from "@shoal/client";
import { uploadDatasetFile } from "@shoal/client/node";

const [url, token, data, script] = process.argv.slice(2);
const client = new ShoalClient({ url, token });
const refused = await new ShoalClient({ url, token: "wrong" }).listJobs().catch((error) => error);
if (!(refused instanceof ShoalApiError) || refused.status !== 401) throw new Error("expected a typed 401");
const { dataset } = await uploadDatasetFile(client, data, { name: "sp500" });
const job = await client.createJob({
  dataset: dataset.id,
  spec: { script: readFileSync(script, "utf8"), params: { fast: [5, 10], slow: [50, 100] }, split: { kind: "rows", rows: 1000 }, halo: 100 },
});
let last = job;
for await (const event of client.watchJob(job.id)) last = event.job;
if (last.status !== "done") throw new Error(JSON.stringify(last.error ?? last.status));
process.stdout.write(JSON.stringify(await client.getResult(job.id)));
`;

const TYPED_SCRIPT = `
import { ShoalClient, type JobView, type DatasetView } from "@shoal/client";
import { uploadDatasetFile } from "@shoal/client/node";

const client = new ShoalClient({ url: "http://127.0.0.1:1", token: "t" });
export async function submit(path: string): Promise<JobView["status"]> {
  const { dataset }: { dataset: DatasetView } = await uploadDatasetFile(client, path, { name: "x" });
  const job = await client.createJob({ dataset: dataset.id, spec: { script: "function map() end" } });
  const count: number = job.tasks.total;
  // @ts-expect-error: the view is typed, not any, so a wrong use is an error
  const wrong: string = job.tasks.total;
  return count > 0 && wrong ? job.status : "failed";
}
`;

let dir = "";
let app = "";
const spawned: ShoalProcess[] = [];
let url = "";
let token = "";
const figures: string[] = [];

/** npm with the outer `npm test`'s settings (workspace, prefix) left out, as on another machine. */
function npm(args: string[], cwd: string): Promise<{ stdout: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  return run("npm", args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
}

function installed(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(app, "node_modules/shoal/dist/shoal.mjs"), ...args], { cwd: app, maxBuffer: 16 * 1024 * 1024 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "shoal-install-"));
  app = join(dir, "app");
  mkdirSync(app);
  let started = Date.now();
  const cli = await buildCliPackage(join(dir, "build/shoal"), { web: false });
  const sdk = await buildClientPackage(join(dir, "build/client"));
  const packed: string[] = [];
  for (const pkg of [cli, sdk]) {
    const { stdout } = await npm(["pack", "--json", "--pack-destination", dir], pkg.dir);
    const [info] = JSON.parse(stdout) as { filename: string; size: number }[];
    packed.push(join(dir, info!.filename));
    figures.push(`${info!.filename}: ${(info!.size / 1024).toFixed(0)} KiB`);
  }
  figures.push(`build and pack: ${Date.now() - started} ms`);
  started = Date.now();
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "outside", private: true, type: "module" }));
  await npm(["install", "--omit=dev", "--prefer-offline", "--ignore-scripts", "--no-audit", "--no-fund", ...packed], app);
  figures.push(`install: ${Date.now() - started} ms`);
  const coordinator = new ShoalProcess(["coordinator", "--port", "0", "--data-dir", join(dir, "data")]);
  spawned.push(coordinator);
  url = (await coordinator.waitFor(/coordinator: (http:\/\/\S+)/))[1]!;
  token = (await coordinator.waitFor(/author token.*: (shoal_\S+)/))[1]!;
}, 240_000);

afterAll(async () => {
  for (const process of spawned) await process.kill9();
  process.stdout.write(`installedPackages: ${figures.join("; ")}\n`);
  rmSync(dir, { recursive: true, force: true });
});

describe("the installed packages", () => {
  it("install as third-party dependencies only, and shoal --version names the release and protocol", async () => {
    const manifest = JSON.parse(readFileSync(join(app, "node_modules/shoal/package.json"), "utf8")) as Record<string, Record<string, string>>;
    expect(Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies }).filter((name) => name.startsWith("@shoal/") || name === "tsx")).toEqual([]);
    expect((await installed(["--version"])).stdout).toBe(`shoal ${VERSION} (protocol 2)\n`);
  });

  it("says in one line that shoal coordinator needs better-sqlite3 when it was not built", async () => {
    const failed = await installed(["coordinator", "--port", "0", "--data-dir", join(dir, "nope")]).catch((error: { code: number; stderr: string }) => error);
    expect("code" in failed && failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^shoal: 'shoal coordinator' needs better-sqlite3, .*'shoal worker'.* do not need it\.\n$/);
  });

  it("runs a job through the installed worker and SDK with the result the installed shoal run prints", async () => {
    const worker = new ShoalProcess(["worker", "--coordinator", url, "--threads", "1", "--transport", "webrtc", "--status-every", "1h"], {}, {
      bin: join(app, "node_modules/shoal/dist/shoal.mjs"),
      cwd: app,
    });
    spawned.push(worker);
    // Over WebRTC: Node's own loader sees PeerJS as CommonJS, which tsx in the repository hides.
    await worker.waitFor(/connected to the coordinator over webrtc/);
    writeFileSync(join(app, "job.mjs"), SDK_SCRIPT);
    const started = Date.now();
    const [sdk, local] = await Promise.all([
      run(process.execPath, [join(app, "job.mjs"), url, token, DATA, SCRIPT], { cwd: app, maxBuffer: 16 * 1024 * 1024 }),
      installed(["run", SCRIPT, "--data", DATA, ...SWEEP]),
    ]);
    figures.push(`job through the grid and shoal run: ${Date.now() - started} ms`);
    expect(canonicalJson(JSON.parse(sdk.stdout))).toBe(local.stdout.trim());
    expect(worker.running).toBe(true);
  }, 90_000);

  it("runs the compiled engine from the installed package (its parser is a declared dependency) to fengari's result", async () => {
    const [compiled, fengari] = await Promise.all([
      installed(["run", SCRIPT, "--data", DATA, ...SWEEP, "--engine", "compiled"]),
      installed(["run", SCRIPT, "--data", DATA, ...SWEEP]),
    ]);
    expect(compiled.stdout).toBe(fengari.stdout);
  }, 90_000);

  it("type-checks a TypeScript project against the SDK's declarations", async () => {
    writeFileSync(join(app, "typed.ts"), TYPED_SCRIPT);
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    // skipLibCheck as most projects set it; the @ts-expect-error above fails should the types turn into any.
    const options = ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "--typeRoots", join(ROOT, "node_modules/@types")];
    const checked = await run(process.execPath, [tsc, ...options, "typed.ts"], { cwd: app }).catch((error: { stdout: string }) => error);
    expect(checked.stdout).toBe("");
  }, 60_000);
});
