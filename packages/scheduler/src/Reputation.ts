import type { PeerId } from "@shoal/protocol";

/** A peer's record of quorums: `wins` where its result agreed with the verified one, `losses` where it did not. */
export interface PeerStanding {
  peer: PeerId;
  wins: number;
  losses: number;
  refused: boolean;
}

/**
 * Keeps score of peers across jobs and refuses those whose results keep losing quorums.
 * A refusal is permanent for this scheduler; it outlives the peer's connection so reconnecting does not clear it.
 */
export class Reputation {
  readonly #standings = new Map<PeerId, PeerStanding>();
  readonly #lossPenalty: number;
  readonly #refuseAt: number;

  constructor(lossPenalty: number, refuseAt: number, standings: readonly PeerStanding[] = []) {
    this.#lossPenalty = lossPenalty;
    this.#refuseAt = refuseAt;
    for (const s of standings) this.#standings.set(s.peer, { ...s });
  }

  /** wins − lossPenalty × losses; 0 for a peer never compared. */
  score(peer: PeerId): number {
    const s = this.#standings.get(peer);
    return s ? s.wins - this.#lossPenalty * s.losses : 0;
  }

  isRefused(peer: PeerId): boolean {
    return this.#standings.get(peer)?.refused ?? false;
  }

  /** Records a won or lost quorum; true when this loss is the one that gets the peer refused. */
  record(peer: PeerId, won: boolean): boolean {
    const s = this.#entry(peer);
    if (won) s.wins++;
    else s.losses++;
    if (s.refused || this.score(peer) > this.#refuseAt) return false;
    s.refused = true;
    return true;
  }

  /** A copy of the peer's record, zeros for a peer never compared. */
  standing(peer: PeerId): PeerStanding {
    const s = this.#standings.get(peer);
    return s ? { ...s } : { peer, wins: 0, losses: 0, refused: false };
  }

  #entry(peer: PeerId): PeerStanding {
    let s = this.#standings.get(peer);
    if (!s) {
      s = { peer, wins: 0, losses: 0, refused: false };
      this.#standings.set(peer, s);
    }
    return s;
  }

  toJSON(): PeerStanding[] {
    return [...this.#standings.values()].map((s) => ({ ...s }));
  }
}
