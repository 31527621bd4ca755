import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { startCoordinator } from "../Coordinator.ts";
import { silentLogger } from "../Logger.ts";
import { MemoryStore } from "../store/MemoryStore.ts";
import { ROOT_DIR } from "../testing/fixtures.ts";
import { createAuthorToken, hashToken, isAuthorized } from "./authorTokens.ts";

describe("author tokens", () => {
  it("are stored only as their sha256 and checked from the Authorization header", () => {
    const store = new MemoryStore();
    const token = createAuthorToken(store, "test");
    expect(token).toMatch(/^shoal_[A-Za-z0-9_-]{43}$/);
    expect(store.hasToken(token)).toBe(false);
    expect(store.hasToken(hashToken(token))).toBe(true);
    expect(isAuthorized(store, `Bearer ${token}`)).toBe(true);
    expect(isAuthorized(store, `bearer ${token}`)).toBe(true);
    expect(isAuthorized(store, token)).toBe(false);
    expect(isAuthorized(store, `Bearer ${token}x`)).toBe(false);
    expect(isAuthorized(store, undefined)).toBe(false);
  });

  it("made by `shoal token create` work on a coordinator over the same data directory, which then prints none", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "shoal-token-"));
    const { stdout } = await promisify(execFile)(process.execPath, ["apps/cli/bin/shoal.js", "token", "create", "--data-dir", dataDir], { cwd: ROOT_DIR });
    const token = stdout.trim();
    expect(token).toMatch(/^shoal_/);
    const coordinator = await startCoordinator({ dataDir, port: 0, webrtc: false, logger: silentLogger });
    try {
      expect(coordinator.token).toBeUndefined();
      expect((await fetch(`${coordinator.url}/api/jobs`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await coordinator.close();
    }
  });
});
