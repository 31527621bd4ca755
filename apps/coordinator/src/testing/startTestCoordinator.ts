import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningCoordinator } from "../Coordinator.ts";
import { startCoordinator } from "../Coordinator.ts";
import type { CoordinatorOptions } from "../CoordinatorOptions.ts";
import { silentLogger } from "../Logger.ts";

/** A coordinator on an ephemeral loopback port with a fresh data directory, and helpers to call its API. */
export interface TestCoordinator extends RunningCoordinator {
  token: string;
  dataDir: string;
  wsUrl: string;
  /** `fetch` against the coordinator with the author token, unless `headers.Authorization` says otherwise. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

export async function startTestCoordinator(options: Partial<CoordinatorOptions> = {}): Promise<TestCoordinator> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "shoal-coordinator-"));
  // Tests see the placeholder page unless they bring a web app: apps/web/dist may or may not be built.
  const webDist = options.webDist ?? join(dataDir, "no-web-app");
  const running = await startCoordinator({ port: 0, webrtc: false, logger: silentLogger, ...options, dataDir, webDist });
  const token = running.token;
  if (!token) throw new Error("a fresh data directory should give a token");
  return {
    ...running,
    token,
    dataDir,
    wsUrl: `${running.url.replace(/^http/, "ws")}/ws`,
    api: (path, init = {}) => fetch(`${running.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } }),
  };
}

/** A response body as JSON of the type the test expects (the API's own view types). */
export async function json<T>(response: Response | Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

/** An API error body. */
export interface ErrorBody {
  error: string;
  line?: number;
}
