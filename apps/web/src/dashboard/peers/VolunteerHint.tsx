import type { PeerView } from "@shoal/client";
import { Notice } from "../components/Notice.tsx";

/** Volunteers that can run a job on `engine` (any engine when absent). */
export function volunteersFor(peers: readonly PeerView[], engine?: string): PeerView[] {
  return engine === undefined ? [...peers] : peers.filter((peer) => peer.engines.includes(engine));
}

/**
 * Says why nothing runs when no connected volunteer can take the work, and how to add one; renders
 * nothing while the peer list loads or once a volunteer that runs `engine` is connected.
 */
export function VolunteerHint({ peers, engine }: { peers: readonly PeerView[] | undefined; engine?: string }) {
  if (!peers || volunteersFor(peers, engine).length > 0) return null;
  const why =
    peers.length === 0
      ? "No volunteer is connected, so nothing runs yet."
      : `None of the ${peers.length} connected volunteer${peers.length === 1 ? "" : "s"} runs ${engine}, so this job waits.`;
  return (
    <Notice kind="empty">
      <span data-testid="volunteer-hint">
        {why} Open <a href="/">the donor page</a> and press Start, or run <code>npx shoal worker --coordinator {location.origin}</code>.
      </span>
    </Notice>
  );
}
