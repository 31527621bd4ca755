// The JS heaps of a Chromium's dedicated Web Workers, read over the browser's CDP session:
// each worker target is attached unflattened and asked `Runtime.getHeapUsage` through
// `Target.sendMessageToTarget` (playwright's CDPSession cannot address flattened child sessions,
// and `performance.memory` does not exist in workers).
import type { CDPSession } from "@playwright/test";

/** One worker's heap, bytes, as `Runtime.getHeapUsage` gives it. */
export interface HeapUsage {
  /** Live objects on the V8 heap. */
  usedSize: number;
  /** The V8 heap as allocated. */
  totalSize: number;
  /** ArrayBuffer backing stores (wasm memories among them), when this Chromium reports them. */
  backingStorageSize?: number;
}

/** Reads the heaps of the workers whose name (CDP title) is `name`, e.g. "shoal-executor". */
export class WorkerHeaps {
  readonly #session: CDPSession;
  readonly #name: string;
  readonly #sessions = new Map<string, string>();
  readonly #waiting = new Map<string, (reply: { result?: HeapUsage; error?: { message: string } }) => void>();
  #nextId = 1;

  constructor(session: CDPSession, name: string) {
    this.#session = session;
    this.#name = name;
    session.on("Target.receivedMessageFromTarget", (event: { sessionId: string; message: string }) => {
      const reply = JSON.parse(event.message) as { id?: number; result?: HeapUsage; error?: { message: string } };
      const key = `${event.sessionId}:${reply.id}`;
      this.#waiting.get(key)?.(reply);
      this.#waiting.delete(key);
    });
  }

  /** Each live worker's heap by its target id. */
  async read(): Promise<Map<string, HeapUsage>> {
    const { targetInfos } = await this.#session.send("Target.getTargets");
    const workers = targetInfos.filter((t) => t.type === "worker" && t.title === this.#name);
    const heaps = new Map<string, HeapUsage>();
    for (const target of workers) {
      let sessionId = this.#sessions.get(target.targetId);
      if (sessionId === undefined) {
        sessionId = (await this.#session.send("Target.attachToTarget", { targetId: target.targetId, flatten: false })).sessionId;
        this.#sessions.set(target.targetId, sessionId);
      }
      heaps.set(target.targetId, await this.#ask(sessionId, "Runtime.getHeapUsage"));
    }
    return heaps;
  }

  async #ask(sessionId: string, method: string): Promise<HeapUsage> {
    const id = this.#nextId++;
    const reply = new Promise<{ result?: HeapUsage; error?: { message: string } }>((resolve, reject) => {
      this.#waiting.set(`${sessionId}:${id}`, resolve);
      setTimeout(() => reject(new Error(`no answer to ${method} from worker session ${sessionId} in 10 s`)), 10_000).unref();
    });
    await this.#session.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method }) });
    const { result, error } = await reply;
    if (!result) throw new Error(`${method} failed in a worker: ${error?.message ?? "no result"}`);
    return result;
  }
}
