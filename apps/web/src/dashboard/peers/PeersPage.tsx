import { Notice } from "../components/Notice.tsx";
import { formatTime } from "../components/formatTime.ts";
import { useApi } from "../api/useApi.ts";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";
import { VolunteerHint } from "./VolunteerHint.tsx";

/** The volunteers connected now: transport, engines, threads, work done and held, reputation, the jobs they work on, and when each was last heard. */
export function PeersPage() {
  const { data: peers, error, loading } = useApi((client) => client.listPeers(), [], { refreshMs: 2000 });
  return (
    <>
      <div className="page-head">
        <h1>Peers</h1>
        {peers && <span className="muted">{peers.length} connected · {peers.reduce((sum, p) => sum + p.threads, 0)} threads</span>}
      </div>
      {error && <Notice kind="error">Cannot list peers: {error}</Notice>}
      {!peers && loading && <Notice kind="loading">Loading peers…</Notice>}
      <VolunteerHint peers={peers} />
      {peers && peers.length > 0 && (
        <div className="table-scroll">
          <table className="data" data-testid="peers-table">
            <thead>
              <tr>
                <th>Peer</th>
                <th>Transport</th>
                <th>Engines</th>
                <th>Threads</th>
                <th>Tasks done</th>
                <th>Leases</th>
                <th>Shards</th>
                <th>Quorums won/lost</th>
                <th>Working on</th>
                <th>Connected</th>
                <th>Last heard</th>
              </tr>
            </thead>
            <tbody>
              {peers.map((peer) => (
                <tr key={peer.id}>
                  <td>
                    <code>{peer.id}</code>
                    {peer.reputation.refused && <span className="badge badge-failed">refused</span>}
                  </td>
                  <td>{peer.transport === "webrtc" ? "WebRTC" : "WebSocket"}</td>
                  <td>{peer.engines.join(", ")}</td>
                  <td className="num">{peer.threads}</td>
                  <td className="num">{peer.tasksDone}</td>
                  <td className="num">{peer.leases}</td>
                  <td className="num">{peer.shards}</td>
                  <td className="num">
                    {peer.reputation.wins}/{peer.reputation.losses}
                  </td>
                  <td>
                    {peer.jobs.length === 0
                      ? "—"
                      : peer.jobs.map((job) => (
                          <Link key={job} to={routePath({ page: "job", id: job })}>
                            {job}
                          </Link>
                        ))}
                  </td>
                  <td>{formatTime(peer.connectedAt)}</td>
                  <td>{secondsAgo(peer.lastHeardAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** `2026-12-01T05:40:03Z` → `4 s ago`, for how recently a peer was heard from. */
function secondsAgo(time: string): string {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(time)) / 1000));
  return `${seconds} s ago`;
}
