import type { DonorStanding, PeerId, StatsBoard } from "@shoal/protocol";
import type { BoardPage, CreditEntry, CreditLedger, CreditWindow, DonorProfile, PeerBinding } from "./CreditLedger.ts";
import { publicDonorId } from "./publicDonorId.ts";

/** The ledger's data, kept inside the memory store's tables so its transactions roll it back too. */
export interface CreditTables {
  donors: Map<string, DonorProfile & { publicId: string }>;
  peers: Map<PeerId, PeerBinding>;
  entries: Map<string, CreditEntry>;
}

/** Empty ledger tables. */
export const emptyCreditTables = (): CreditTables => ({ donors: new Map(), peers: new Map(), entries: new Map() });

/** The {@link CreditLedger} in memory, over tables its store owns. */
export class MemoryCreditLedger implements CreditLedger {
  readonly #t: () => CreditTables;
  readonly #remembered: (peerId: PeerId) => boolean;

  constructor(tables: () => CreditTables, remembered: (peerId: PeerId) => boolean) {
    this.#t = tables;
    this.#remembered = remembered;
  }

  pruneBindings(): void {
    const { peers } = this.#t();
    for (const peerId of peers.keys()) if (!this.#remembered(peerId)) peers.delete(peerId);
  }

  bindPeer(peerId: PeerId, binding: PeerBinding, _at: string): void {
    this.#t().peers.set(peerId, { ...binding });
  }

  knows(donor: string): boolean {
    const { donors, peers } = this.#t();
    return donors.has(donor) || [...peers.values()].some((binding) => binding.donor === donor);
  }

  peerBinding(peerId: PeerId): PeerBinding | undefined {
    const binding = this.#t().peers.get(peerId);
    return binding && { ...binding };
  }

  setProfile(donor: string, profile: DonorProfile, _at: string): void {
    this.#t().donors.set(donor, { ...profile, publicId: publicDonorId(donor) });
  }

  profile(donor: string): DonorProfile | undefined {
    const row = this.#t().donors.get(donor);
    if (!row) return undefined;
    return { ...(row.name === undefined ? {} : { name: row.name }), ...(row.team === undefined ? {} : { team: row.team }) };
  }

  record(entries: readonly CreditEntry[]): number {
    const { donors, entries: stored } = this.#t();
    let added = 0;
    for (const e of entries) {
      if (e.donor !== undefined && !donors.has(e.donor)) donors.set(e.donor, { publicId: publicDonorId(e.donor) });
      const key = JSON.stringify([e.jobId, e.taskId, e.account]);
      if (stored.has(key)) continue;
      stored.set(key, { ...e });
      added++;
    }
    return added;
  }

  board(board: StatsBoard, window: CreditWindow, limit: number, offset: number): BoardPage {
    const { donors, entries } = this.#t();
    const totals = new Map<string, { id: string; name: string | undefined; credit: number; results: number }>();
    for (const e of entries.values()) {
      if ((window.since !== undefined && e.at < window.since) || (window.until !== undefined && e.at >= window.until)) continue;
      const key = board === "donors" ? e.donor : board === "teams" ? e.team : e.site;
      if (key === undefined) continue;
      const donor = board === "donors" ? donors.get(key) : undefined;
      const row = totals.get(key) ?? { id: board === "donors" ? (donor?.publicId ?? publicDonorId(key)) : key, name: board === "donors" ? donor?.name : key, credit: 0, results: 0 };
      row.credit += e.units;
      row.results++;
      totals.set(key, row);
    }
    const ranked = [...totals.values()].sort((a, b) => b.credit - a.credit || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Competition ranking, as the SQL rank(): equal credit, equal rank.
    const rankOf = (i: number): number => (i > 0 && ranked[i - 1]!.credit === ranked[i]!.credit ? rankOf(i - 1) : i + 1);
    const rows = ranked.slice(offset, offset + limit).map(({ id, name, credit, results }, i) => ({ rank: rankOf(offset + i), id, credit, results, ...(name === undefined ? {} : { name }) }));
    return { total: ranked.length, rows };
  }

  standing(donor: string): DonorStanding {
    const perDonor = new Map<string, number>();
    let results = 0;
    for (const e of this.#t().entries.values()) {
      if (e.donor === undefined) continue;
      perDonor.set(e.donor, (perDonor.get(e.donor) ?? 0) + e.units);
      if (e.donor === donor) results++;
    }
    const credit = perDonor.get(donor) ?? 0;
    const standing: DonorStanding = { ...this.profile(donor), credit, results };
    if (credit > 0) standing.rank = [...perDonor.values()].filter((c) => c > credit).length + 1;
    return standing;
  }

  count(): number {
    return this.#t().entries.size;
  }
}
