import { describe, expect, it } from "vitest";
import type { JobId, PeerId, TaskId } from "@shoal/protocol";
import { parseWorkerMessage, PROTOCOL_VERSION } from "@shoal/protocol";
import { creditEntries } from "./creditEntries.ts";
import { MemoryStore } from "../store/MemoryStore.ts";
import { siteAccount } from "./siteAccount.ts";

const AT = "2026-12-01T08:00:00.000Z";
const donorOf = (donor: unknown) => {
  const hello = parseWorkerMessage(JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: [], shards: [], donor }));
  return hello.type === "hello" ? (hello.donor ?? {}) : {};
};

describe("siteAccount: a site's credit row is bound to its verified origin", () => {
  it("names the row by origin, with data-site as its label", () => {
    expect(siteAccount(donorOf({ site: "Lisbon Weather", siteOrigin: "https://lisbon.example" }))).toBe("Lisbon Weather (https://lisbon.example)");
    expect(siteAccount(donorOf({ siteOrigin: "https://lisbon.example" }))).toBe("https://lisbon.example");
    expect(siteAccount(donorOf({ key: "k".repeat(43) }))).toBeUndefined();
  });

  it("credits a site claiming another site's name under its own origin, never the other's row", () => {
    const ledger = new MemoryStore().credit;
    const real = siteAccount(donorOf({ site: "Lisbon Weather", siteOrigin: "https://lisbon.example" }))!;
    const impostor = siteAccount(donorOf({ site: "Lisbon Weather", siteOrigin: "https://impostor.example" }))!;
    ledger.bindPeer("real" as PeerId, { site: real }, AT);
    ledger.bindPeer("fake" as PeerId, { site: impostor }, AT);
    const entries = creditEntries([{ type: "task-done", jobId: "j" as JobId, taskId: "j/map/0" as TaskId, winners: ["real", "fake"] as PeerId[], quorum: 2, units: 5 }], ledger, AT);
    expect(entries.map((entry) => entry.site).sort()).toEqual(["Lisbon Weather (https://impostor.example)", "Lisbon Weather (https://lisbon.example)"]);
    expect(new Set(entries.map((entry) => entry.account)).size).toBe(2);
  });

  it("refuses a hello naming a site without the origin it belongs to", () => {
    expect(() => donorOf({ site: "Lisbon Weather" })).toThrow(/a site name needs the siteOrigin/);
  });
});
