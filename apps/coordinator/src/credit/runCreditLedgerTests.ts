import { describe, expect, it } from "vitest";
import type { JobId, PeerId, TaskId } from "@shoal/protocol";
import type { Store } from "../store/Store.ts";
import type { CreditEntry } from "./CreditLedger.ts";
import { publicDonorId } from "./publicDonorId.ts";

const T0 = "2026-01-01T10:00:00.000Z";
const T1 = "2026-01-01T11:30:00.000Z";
const T2 = "2026-01-02T09:00:00.000Z";
const ADA = "a".repeat(64);
const BOB = "b".repeat(64);

function entry(task: string, account: string, units: number, at: string, extra: Partial<CreditEntry> = {}): CreditEntry {
  return { jobId: "j" as JobId, taskId: `j/map/${task}` as TaskId, account, units, at, ...extra };
}

/** The credit ledger part of the shared store suite: every store implementation runs it. */
export function runCreditLedgerTests(makeStore: () => Store | Promise<Store>): void {
  describe("credit ledger", () => {
    it("adds one row per job, task and account: a retried commit or a replay counts once", async () => {
      const { credit } = await makeStore();
      const row = entry("0", `d:${ADA}`, 10, T0, { donor: ADA });
      expect(credit.record([row, row])).toBe(1);
      expect(credit.record([{ ...row, units: 999, at: T2 }])).toBe(0);
      expect(credit.record([entry("0", `d:${BOB}`, 10, T0, { donor: BOB })])).toBe(1);
      expect(credit.count()).toBe(2);
      expect(credit.standing(ADA)).toMatchObject({ credit: 10, results: 1 });
    });

    it("rolls credit back with a failed transaction", async () => {
      const store = await makeStore();
      expect(() =>
        store.transaction(() => {
          store.credit.record([entry("0", `d:${ADA}`, 10, T0, { donor: ADA })]);
          store.credit.setProfile(ADA, { name: "Ada" }, T0);
          throw new Error("commit failed");
        }),
      ).toThrow("commit failed");
      expect(store.credit.count()).toBe(0);
      expect(store.credit.profile(ADA)).toBeUndefined();
    });

    it("ranks donors by credit under their current name and public id, so a rename keeps every point", async () => {
      const { credit } = await makeStore();
      credit.setProfile(ADA, { name: "Ada", team: "Engines" }, T0);
      credit.record([entry("0", `d:${ADA}`, 10, T0, { donor: ADA, team: "Engines" }), entry("1", `d:${BOB}`, 25, T0, { donor: BOB })]);
      credit.bindPeer("p1" as PeerId, { donor: BOB }, T0);
      credit.setProfile(ADA, { name: "Countess" }, T1);
      expect(credit.board("donors", {}, 10, 0)).toEqual({
        total: 2,
        rows: [
          { rank: 1, id: publicDonorId(BOB), credit: 25, results: 1 },
          { rank: 2, id: publicDonorId(ADA), name: "Countess", credit: 10, results: 1 },
        ],
      });
      expect(credit.standing(ADA)).toEqual({ name: "Countess", credit: 10, results: 1, rank: 2 });
      expect(credit.standing("c".repeat(64))).toEqual({ credit: 0, results: 0 });
    });

    it("gives teams the credit their members earned while in them, and sites their visitors' credit", async () => {
      const { credit } = await makeStore();
      credit.record([
        entry("0", `d:${ADA}`, 10, T0, { donor: ADA, team: "Engines" }),
        entry("1", `d:${ADA}`, 5, T1, { donor: ADA, team: "Looms" }),
        entry("2", "s:example.org", 7, T1, { site: "example.org" }),
        entry("3", "p:p9", 100, T1),
      ]);
      expect(credit.board("teams", {}, 10, 0).rows).toEqual([
        { rank: 1, id: "Engines", name: "Engines", credit: 10, results: 1 },
        { rank: 2, id: "Looms", name: "Looms", credit: 5, results: 1 },
      ]);
      expect(credit.board("sites", {}, 10, 0).rows).toEqual([{ rank: 1, id: "example.org", name: "example.org", credit: 7, results: 1 }]);
      expect(credit.board("donors", {}, 10, 0).rows.map((r) => r.credit)).toEqual([15]);
    });

    it("counts only credit inside the window, and pages with a total", async () => {
      const { credit } = await makeStore();
      const accounts = ["a", "b", "c", "d", "e"].map((c) => c.repeat(64));
      credit.record(accounts.map((donor, i) => entry(`${i}`, `d:${donor}`, 10 * (i + 1), i < 2 ? T0 : T2, { donor })));
      expect(credit.board("donors", { since: T1 }, 10, 0).rows.map((r) => r.credit)).toEqual([50, 40, 30]);
      expect(credit.board("donors", { until: T1 }, 10, 0).rows.map((r) => r.credit)).toEqual([20, 10]);
      const page = credit.board("donors", {}, 2, 2);
      expect(page.total).toBe(5);
      expect(page.rows.map((r) => [r.rank, r.credit])).toEqual([[3, 30], [4, 20]]);
      expect(credit.board("donors", {}, 10, 50)).toEqual({ total: 5, rows: [] });
    });

    it("gives equal credit an equal rank, across pages too", async () => {
      const { credit } = await makeStore();
      const donors = ["a", "b", "c", "d"].map((c) => c.repeat(64));
      credit.record(donors.map((donor, i) => entry(`${i}`, `d:${donor}`, i === 0 ? 20 : 10, T0, { donor })));
      expect(credit.board("donors", {}, 10, 0).rows.map((r) => [r.rank, r.credit])).toEqual([[1, 20], [2, 10], [2, 10], [2, 10]]);
      expect(credit.board("donors", {}, 1, 3).rows.map((r) => r.rank)).toEqual([2]);
      expect(credit.standing(donors[3]!).rank).toBe(2);
    });

    it("binds peers to donors or sites, rebinds on the next hello, and forgets bindings of pruned peers", async () => {
      const store = await makeStore();
      const { credit } = store;
      store.rememberPeer("p1" as PeerId, "h", T0);
      credit.bindPeer("p1" as PeerId, { donor: ADA }, T0);
      expect(credit.peerBinding("p1" as PeerId)).toEqual({ donor: ADA });
      expect(credit.profile(ADA)).toBeUndefined();
      expect(credit.knows(ADA)).toBe(true);
      expect(credit.knows(BOB)).toBe(false);
      credit.bindPeer("p1" as PeerId, { site: "example.org" }, T1);
      expect(credit.peerBinding("p1" as PeerId)).toEqual({ site: "example.org" });
      expect(store.prunePeers(T2, new Set())).toBe(1);
      expect(credit.peerBinding("p1" as PeerId)).toBeUndefined();
      expect(credit.knows(ADA)).toBe(false);
    });
  });
}
