import type { DonorStanding, JobId, PeerId, StatsBoard, StatsRow, TaskId } from "@shoal/protocol";

/** Whom a peer's accepted work is credited to, as its hello said: a donor (by key hash), a site, or neither. */
export interface PeerBinding {
  donor?: string;
  site?: string;
}

/** What a donor chose to show: both optional, both checked display text. */
export interface DonorProfile {
  name?: string;
  team?: string;
}

/**
 * One accepted result credited to one account: `d:<key hash>`, `s:<site>` or `p:<peer id>` for
 * anonymous peers. A task credits each account at most once, whatever its number of replicas.
 * `team` is the donor's team when the credit was granted, so team totals of a past hour never change.
 */
export interface CreditEntry {
  jobId: JobId;
  taskId: TaskId;
  account: string;
  donor?: string;
  team?: string;
  site?: string;
  units: number;
  /** When it was granted (ISO time, coordinator clock). */
  at: string;
}

/** Which credit a board counts: granted at or after `since` and before `until` (ISO times). */
export interface CreditWindow {
  since?: string;
  until?: string;
}

/** One page of a board, ranked by credit. */
export interface BoardPage {
  total: number;
  rows: StatsRow[];
}

/**
 * The append-only credit ledger: one row per (job, task, account), written in the same
 * transaction as the scheduler command that accepted the result, so a retried or replayed commit
 * cannot count twice. Every total is derived from it. Lives in the {@link Store}.
 */
export interface CreditLedger {
  /** Binds a peer id to whom its work is credited (no donor row is made: a hello storm of new keys leaves none behind). */
  bindPeer(peerId: PeerId, binding: PeerBinding, at: string): void;
  peerBinding(peerId: PeerId): PeerBinding | undefined;
  /** Forgets the bindings of peers the store no longer remembers (after it pruned them). */
  pruneBindings(): void;
  /** True for a donor key hash that has credit, a profile, or a peer bound to it now: the only ones that may set a profile. */
  knows(donor: string): boolean;
  /** Sets the public name and team of a donor key hash (creating its row). */
  setProfile(donor: string, profile: DonorProfile, at: string): void;
  profile(donor: string): DonorProfile | undefined;
  /** Appends entries; one for a (job, task, account) already credited is ignored. Returns how many were added. */
  record(entries: readonly CreditEntry[]): number;
  /** Accounts on a board by credit in the window, highest first, ties in id order with equal rank. */
  board(board: StatsBoard, window: CreditWindow, limit: number, offset: number): BoardPage;
  /** A donor's all-time credit, and its rank among donors while it has any. */
  standing(donor: string): DonorStanding;
  /** Rows in the ledger. */
  count(): number;
}
