// Fake volunteers for the coordinator-memory rows: WebSocket connections to /ws that say a valid
// hello (one thread, fengari, no shards), answer with heartbeats, and never ask for work.
import WebSocket from "ws";
import { PROTOCOL_VERSION, encodeMessage } from "@shoal/protocol";

/** N connected fake peers; `close` ends them all. */
export interface FakePeers {
  close(): Promise<void>;
}

export async function connectFakePeers(url: string, count: number): Promise<FakePeers> {
  const wsUrl = `${url.replace(/^http/, "ws")}/ws`;
  const sockets: WebSocket[] = [];
  const timers: NodeJS.Timeout[] = [];
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(wsUrl);
      sockets.push(socket);
      socket.once("error", reject);
      socket.once("open", () => socket.send(encodeMessage({ type: "hello", protocol: PROTOCOL_VERSION, threads: 1, engines: ["fengari"], shards: [] })));
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { type?: string; heartbeatMs?: number };
        if (message.type !== "welcome") return;
        const every = Math.max(100, Math.floor((message.heartbeatMs ?? 5000) / 2));
        timers.push(setInterval(() => socket.send(encodeMessage({ type: "heartbeat" })), every));
        resolve();
      });
    });
  for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, one));
  return {
    async close() {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(
        sockets.map((socket) => new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once("close", () => resolve());
          socket.terminate();
        })),
      );
    },
  };
}
