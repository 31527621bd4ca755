import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ExpressPeerServer } from "peer";
import type { WebSocket } from "ws";
import { WebSocketServer } from "ws";
import type { Logger } from "../Logger.ts";

/** Where the PeerJS signalling server lives on the coordinator's HTTP server. */
export const SIGNALLING_PATH = "/peerjs";
/** The PeerJS key (the path segment after {@link SIGNALLING_PATH}); PeerJS's default. */
export const SIGNALLING_KEY = "peerjs";

/** Query parameters PeerJS reads; each may appear once, since our guard and `peer` must read the same value. */
const SINGLE_PARAMS = ["id", "key", "token"];
const SIGNAL_TYPES = new Set(["HEARTBEAT", "OFFER", "ANSWER", "CANDIDATE", "LEAVE", "EXPIRE"]);
const MAX_SIGNAL_BYTES = 64 * 1024;

type PeerApp = ReturnType<typeof ExpressPeerServer> & { mountpath: string; parent: unknown };

/**
 * The PeerJS signalling server (package `peer`) on the coordinator's own HTTP server, without
 * Express around it: its HTTP routes are served under {@link SIGNALLING_PATH} and its WebSocket
 * upgrades are routed here. Only the holder of `coordinatorToken` may register `coordinatorId`,
 * and messages addressed to the coordinator must be well-formed `raw` data-connection signals,
 * so no client can impersonate the coordinator or feed its PeerJS client something it chokes on.
 * A request naming `id`, `key` or `token` twice is refused with a 400: the guard reads the same
 * parameter `peer` does only when there is one. The guard is in place before the server listens,
 * so nobody can take the coordinator's id while its own peer is still starting.
 */
export class PeerSignalling {
  readonly #app: PeerApp;
  readonly #wss: WebSocketServer;
  readonly #coordinatorId: string;
  readonly #coordinatorToken: string;

  constructor(server: Server, options: { coordinatorId: string; coordinatorToken: string; logger: Logger }) {
    this.#coordinatorId = options.coordinatorId;
    this.#coordinatorToken = options.coordinatorToken;
    let wss: WebSocketServer | undefined;
    const app = ExpressPeerServer(server, {
      path: "/",
      key: SIGNALLING_KEY,
      allow_discovery: false,
      createWebSocketServer: (o) => (wss = new WebSocketServer({ noServer: true, path: o.path, maxPayload: MAX_SIGNAL_BYTES })),
    }) as PeerApp;
    app.on("error", (error: Error) => options.logger.warn(`signalling: ${error.message}`));
    // `peer` sets itself up when Express mounts it; stand in for the parent app Express would be.
    const parent = { path: () => "", settings: {}, engines: {}, request: Object.getPrototypeOf(app.request), response: Object.getPrototypeOf(app.response) };
    app.mountpath = SIGNALLING_PATH;
    app.parent = parent;
    app.emit("mount", parent);
    if (!wss) throw new Error("the PeerJS server did not create its WebSocket server");
    this.#app = app;
    this.#wss = wss;
  }

  /** Serves the PeerJS HTTP routes (`/peerjs/<key>/id` and friends); false for other paths. */
  handleRequest(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    if (path !== SIGNALLING_PATH && !path.startsWith(`${SIGNALLING_PATH}/`)) return false;
    const repeated = repeatedParam(req.url);
    if (repeated) {
      const body = JSON.stringify({ error: `the query names ${repeated} more than once` });
      res.writeHead(400, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    req.url = (req.url ?? "/").slice(SIGNALLING_PATH.length) || "/";
    this.#app(req as Parameters<PeerApp>[0], res as Parameters<PeerApp>[1]);
    return true;
  }

  /** True for upgrade requests this server takes. */
  accepts(path: string): boolean {
    return path === `${SIGNALLING_PATH}/${SIGNALLING_KEY}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (repeatedParam(req.url)) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    const query = new URL(req.url ?? "/", "http://coordinator").searchParams;
    if (query.get("id") === this.#coordinatorId && query.get("token") !== this.#coordinatorToken) {
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      this.#guard(ws);
      this.#wss.emit("connection", ws, req);
    });
  }

  close(): void {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
  }

  /** Drops a client's socket at its first message that is not a sane signal (checked before `peer` relays it). */
  #guard(ws: WebSocket): void {
    const emit = ws.emit.bind(ws);
    ws.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event === "message" && !this.#sane(args[0])) {
        ws.close(1008, "bad signalling message");
        return false;
      }
      return emit(event, ...args);
    }) as typeof ws.emit;
  }

  #sane(data: unknown): boolean {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      return false;
    }
    if (!isObject(message) || typeof message.type !== "string" || !SIGNAL_TYPES.has(message.type)) return false;
    if (message.dst !== this.#coordinatorId) return true;
    const payload = message.payload;
    switch (message.type) {
      case "OFFER":
        return (
          isObject(payload) &&
          payload.type === "data" &&
          payload.serialization === "raw" &&
          typeof payload.connectionId === "string" &&
          isObject(payload.sdp) &&
          typeof payload.sdp.sdp === "string"
        );
      case "ANSWER":
        return isObject(payload) && typeof payload.connectionId === "string" && isObject(payload.sdp);
      case "CANDIDATE":
        return isObject(payload) && typeof payload.connectionId === "string" && isObject(payload.candidate);
      default:
        return true;
    }
  }
}

/** The first of {@link SINGLE_PARAMS} that `url`'s query names more than once, if any. */
function repeatedParam(url: string | undefined): string | undefined {
  const query = new URL(url ?? "/", "http://coordinator").searchParams;
  return SINGLE_PARAMS.find((name) => query.getAll(name).length > 1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
