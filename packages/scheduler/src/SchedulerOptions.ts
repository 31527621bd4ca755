/** Knobs of a {@link JobScheduler}; jobs may override the replication and lease settings. */
export interface SchedulerOptions {
  /** How long a lease lasts without a heartbeat, in ms. */
  leaseMs: number;
  /** Failed attempts (expired leases, errors, malformed results) after which a task fails its job. */
  maxAttempts: number;
  /** Replicas `k` each task starts with. */
  replicas: number;
  /** Agreeing replicas `m` that complete a task. */
  quorum: number;
  /** Most replicas one task may collect before it fails for want of a quorum; defaults to `replicas + 2`. */
  replicaCap?: number;
  /** A peer is refused once wins − lossPenalty × losses falls to this score or below. */
  refuseAt: number;
  /** How much one lost quorum outweighs one won quorum. */
  lossPenalty: number;
  /** A running task gets a backup copy once it has run this many times the job's median task time. */
  backupFactor: number;
  /** Tasks younger than this (ms) never get a backup copy, whatever the median says. */
  backupMinMs: number;
  /** Largest number of executor slots a peer is believed to have, whatever it claims. */
  maxSlots: number;
  /**
   * Leases a peer may hold beyond its slots cover this much of its measured throughput (ms), so
   * short tasks are queued on the peer ahead of time and the round trip to the coordinator does
   * not idle its executors; a peer whose tasks take long keeps one prefetched lease.
   */
  prefetchWindowMs: number;
  /** Most leases a peer may hold beyond its slots, however fast it is. */
  maxPrefetch: number;
}

/** Defaults: trusted-pool quorum 1, 30 s leases, 5 attempts. */
export const SCHEDULER_DEFAULTS: Readonly<SchedulerOptions> = {
  leaseMs: 30_000,
  maxAttempts: 5,
  replicas: 1,
  quorum: 1,
  refuseAt: -12,
  lossPenalty: 4,
  backupFactor: 2,
  backupMinMs: 5_000,
  maxSlots: 64,
  prefetchWindowMs: 50,
  maxPrefetch: 64,
};
