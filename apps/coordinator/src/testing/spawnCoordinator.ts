import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { ROOT_DIR } from "./fixtures.ts";

/** A `shoal coordinator` child process: its URL, and the author token it printed on a first start. */
export interface SpawnedCoordinator {
  child: ChildProcess;
  url: string;
  token: string | undefined;
  /** `fetch` against the coordinator with `token`. */
  api(path: string, token: string, init?: RequestInit): Promise<Response>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Everything it wrote to stderr (its log lines) so far. */
  stderr(): string;
}

/**
 * Starts `shoal coordinator` as a child process on a free loopback port with `dataDir` (and
 * `extraArgs`, such as `--store URL`), and resolves once it prints its URL; the caller kills it
 * (SIGKILL to crash it, SIGTERM to stop it).
 */
export function spawnCoordinator(dataDir: string, extraArgs: readonly string[] = []): Promise<SpawnedCoordinator> {
  const child = spawn(process.execPath, ["apps/cli/bin/shoal.js", "coordinator", "--port", "0", "--data-dir", dataDir, "--no-webrtc", ...extraArgs], {
    cwd: ROOT_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    void exited.then((code) => reject(new Error(`coordinator exited with ${code}: ${stderr}`)));
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const url = /shoal coordinator: (http:\/\/\S+)/.exec(stdout)?.[1];
      const api = (path: string, bearer: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, headers: { Authorization: `Bearer ${bearer}`, ...(init.headers ?? {}) } });
      // The token line follows the URL's, maybe in a later chunk.
      if (url) setTimeout(() => resolve({ child, url, token: /author token.*: (shoal_\S+)/.exec(stdout)?.[1], api, exited, stderr: () => stderr }), 50);
    });
  });
}
