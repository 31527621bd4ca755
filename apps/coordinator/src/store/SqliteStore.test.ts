import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DatasetId } from "@shoal/protocol";
import { runStoreTests, sampleDataset } from "./runStoreTests.ts";
import { SqliteStore } from "./SqliteStore.ts";

const freshPath = () => join(mkdtempSync(join(tmpdir(), "shoal-sqlite-")), "shoal.db");

runStoreTests("SqliteStore", () => new SqliteStore(freshPath()));

describe("SqliteStore on disk", () => {
  it("keeps everything across close and reopen, in WAL mode", () => {
    const path = freshPath();
    const first = new SqliteStore(path);
    first.insertDataset(sampleDataset("d1"));
    first.appendCommand({ type: "tick", now: 1 });
    expect(existsSync(`${path}-wal`)).toBe(true);
    first.close();
    const again = new SqliteStore(path);
    expect(again.getDataset("d1" as DatasetId)).toEqual(sampleDataset("d1"));
    expect(again.loadScheduler().commands).toEqual([{ type: "tick", now: 1 }]);
    again.close();
  });
});
