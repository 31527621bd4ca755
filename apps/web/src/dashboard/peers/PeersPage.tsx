import type { PeerView } from "@shoal/client";
import { Notice } from "../components/Notice.tsx";
import { formatTime } from "../components/formatTime.ts";
import { useApi } from "../api/useApi.ts";
import { Link } from "../shell/Link.tsx";
import { routePath } from "../shell/parseRoute.ts";
import { heardText, moreTasksText, runtimeText, speedText } from "./peerText.ts";
import { VolunteerHint } from "./VolunteerHint.tsx";

/**
 * The volunteers connected now: browser or Node, transport, engines, threads, the speed the
 * coordinator measured, the tasks they hold, reputation and when each was last heard. On a phone
 * each row becomes a card of labelled lines, so nothing is cut off.
 */
export function PeersPage() {
  const { data: peers, error, loading } = useApi((client) => client.listPeers(), [], { refreshMs: 2000 });
  const now = Date.now();
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
          <table className="data cards" data-testid="peers-table">
            <thead>
              <tr>
                <th>Peer</th>
                <th>Runs in</th>
                <th>Transport</th>
                <th>Engines</th>
                <th className="num">Threads</th>
                <th title="Measured by the coordinator from results it accepted in the last 5 minutes">Speed</th>
                <th className="num">Tasks done</th>
                <th>Working on</th>
                <th className="num">Shards</th>
                <th className="num">Quorums won/lost</th>
                <th>Connected</th>
                <th>Last heard</th>
              </tr>
            </thead>
            <tbody>
              {peers.map((peer) => (
                <tr key={peer.id} data-testid="peer-row" data-peer={peer.id}>
                  <td data-label="Peer">
                    <code>{peer.id}</code>
                    {peer.reputation.refused && <span className="badge badge-failed">refused</span>}
                  </td>
                  <td data-label="Runs in" data-testid="peer-runtime">{runtimeText(peer.runtime)}</td>
                  <td data-label="Transport">{peer.transport === "webrtc" ? "WebRTC" : "WebSocket"}</td>
                  <td data-label="Engines">{peer.engines.join(", ")}</td>
                  <td data-label="Threads" className="num">{peer.threads}</td>
                  <td data-label="Speed" data-testid="peer-speed">{speedText(peer.speed)}</td>
                  <td data-label="Tasks done" className="num">{peer.tasksDone}</td>
                  <td data-label="Working on" data-testid="peer-tasks">
                    <WorkingOn peer={peer} />
                  </td>
                  <td data-label="Shards" className="num">{peer.shards}</td>
                  <td data-label="Quorums" className="num">
                    {peer.reputation.wins}/{peer.reputation.losses}
                  </td>
                  <td data-label="Connected">{formatTime(peer.connectedAt)}</td>
                  <td data-label="Last heard">{heardText(peer.lastHeardAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The tasks a peer holds: each job's name (or id) and the task within it, linked to the job. */
function WorkingOn({ peer }: { peer: PeerView }) {
  if (peer.tasks.length === 0) return <>—</>;
  const more = moreTasksText(peer);
  return (
    <ul className="peer-tasks">
      {peer.tasks.map((task) => (
        <li key={`${task.jobId}/${task.task}#${task.attempt}`}>
          <Link to={routePath({ page: "job", id: task.jobId })}>{task.title ?? task.jobId}</Link> <span className="muted">{task.task}</span>
        </li>
      ))}
      {more && <li className="muted">{more}</li>}
    </ul>
  );
}
