import WebSocket from "ws";
import type { CoordinatorToWorker, WorkerToCoordinator } from "@shoal/protocol";
import { encodeMessage, parseCoordinatorMessage } from "@shoal/protocol";

type Of<T extends CoordinatorToWorker["type"]> = Extract<CoordinatorToWorker, { type: T }>;

/** A raw WebSocket client of the coordinator for tests: sends what it is told and queues what it receives. */
export class ProtocolClient {
  readonly socket: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #inbox: CoordinatorToWorker[] = [];
  readonly #waiters = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on("message", (data) => {
      this.#inbox.push(parseCoordinatorMessage(String(data)));
      for (const wake of [...this.#waiters]) wake();
    });
    this.closed = new Promise((resolve) => socket.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static connect(url: string): Promise<ProtocolClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once("open", () => resolve(new ProtocolClient(socket)));
      socket.once("error", reject);
    });
  }

  send(message: WorkerToCoordinator): void {
    this.sendRaw(encodeMessage(message));
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** Takes the first queued or next arriving message of `type`, leaving others queued; rejects after `timeoutMs`. */
  next<T extends CoordinatorToWorker["type"]>(type: T, timeoutMs = 10_000): Promise<Of<T>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.#inbox.findIndex((m) => m.type === type);
        if (index < 0) return false;
        const [message] = this.#inbox.splice(index, 1);
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(message as Of<T>);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no ${type} message within ${timeoutMs} ms (inbox: ${this.#inbox.map((m) => m.type).join(", ")})`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }

  /** Every message received so far and not taken by `next`, removed from the inbox. */
  drain(): CoordinatorToWorker[] {
    return this.#inbox.splice(0);
  }

  close(): void {
    this.socket.close();
  }
}
