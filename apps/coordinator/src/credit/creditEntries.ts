import type { SchedulerEvent } from "@shoal/scheduler";
import type { CreditEntry, CreditLedger } from "./CreditLedger.ts";

/** Fewest distinct accounts whose agreeing results earn credit: one unverified result earns none. */
export const VERIFIED_ACCOUNTS = 2;

/**
 * The ledger rows a command's events grant, at `at`: for each task a quorum completed, one row
 * per distinct account among the agreeing peers (a donor key, a site, or an anonymous peer), each
 * worth the task's planned units — and none at all unless at least the job's quorum, and never
 * fewer than {@link VERIFIED_ACCOUNTS}, distinct accounts agreed. So a result no one checked, a
 * loser of the quorum, a replay, or several sessions under one key vouching for each other earn
 * nothing; see docs/credit.md.
 */
export function creditEntries(events: readonly SchedulerEvent[], ledger: CreditLedger, at: string): CreditEntry[] {
  const entries: CreditEntry[] = [];
  for (const event of events) {
    if (event.type !== "task-done") continue;
    const accounts = new Map<string, CreditEntry>();
    for (const peerId of event.winners) {
      const binding = ledger.peerBinding(peerId) ?? {};
      const base = { jobId: event.jobId, taskId: event.taskId, units: event.units, at };
      if (binding.site !== undefined) accounts.set(`s:${binding.site}`, { ...base, account: `s:${binding.site}`, site: binding.site });
      else if (binding.donor !== undefined) {
        const team = ledger.profile(binding.donor)?.team;
        accounts.set(`d:${binding.donor}`, { ...base, account: `d:${binding.donor}`, donor: binding.donor, ...(team === undefined ? {} : { team }) });
      } else accounts.set(`p:${peerId}`, { ...base, account: `p:${peerId}` });
    }
    if (accounts.size >= Math.max(VERIFIED_ACCOUNTS, event.quorum)) entries.push(...accounts.values());
  }
  return entries;
}
