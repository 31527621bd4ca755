import { useEffect, useState } from "react";
import type { DonorSettings, DonorStats } from "@shoal/worker/browser";
import { BrowserVolunteer, IdbShardStore } from "@shoal/worker/browser";

/**
 * Options read from the page address, for operators and tests: `?deadline=MS&transport=ws&relay=only`.
 * `relay=only` (that value only; others are ignored) makes the page exchange shards through TURN
 * relays alone, as a donor behind a strict NAT would: it can only narrow what the page does.
 */
function pageOptions(): { deadlineMs?: number; transport?: "webrtc" | "ws"; relayOnly?: boolean } {
  const query = new URLSearchParams(location.search);
  const deadline = Number(query.get("deadline"));
  const transport = query.get("transport");
  return {
    ...(deadline > 0 ? { deadlineMs: deadline } : {}),
    ...(transport === "ws" || transport === "webrtc" ? { transport } : {}),
    ...(query.get("relay") === "only" ? { relayOnly: true } : {}),
  };
}

/** One volunteer for the page, created on mount with the donor's settings and key, and its stats refreshed twice a second. */
export function useVolunteer(settings: DonorSettings, donorKey: string): { volunteer: BrowserVolunteer | undefined; stats: DonorStats | undefined; error: string | undefined } {
  const [volunteer, setVolunteer] = useState<BrowserVolunteer>();
  const [stats, setStats] = useState<DonorStats>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let created: BrowserVolunteer | undefined;
    let cancelled = false;
    IdbShardStore.open().then(
      (store) => {
        if (cancelled) return store.close();
        created = new BrowserVolunteer({ coordinatorUrl: location.origin, store, settings, donor: { key: donorKey }, ...pageOptions(), log: (line) => console.info(`shoal: ${line}`) });
        setVolunteer(created);
      },
      (failure: Error) => setError(`Cannot open the shard cache: ${failure.message}`),
    );
    return () => {
      cancelled = true;
      void created?.stop();
    };
    // The volunteer is made once; later settings go through `update`.
  }, []);

  useEffect(() => {
    if (!volunteer) return;
    const tick = () => void volunteer.stats().then(setStats);
    tick();
    const timer = setInterval(tick, 500);
    return () => clearInterval(timer);
  }, [volunteer]);

  return { volunteer, stats, error };
}
