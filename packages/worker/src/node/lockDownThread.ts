import { lockDownWorker } from "../browser/lockDownWorker.ts";

/** The members of a worker thread's own `process` that load native code or reach Node's internals. */
export const PROCESS_MEMBERS: readonly string[] = ["binding", "_linkedBinding", "dlopen"];

/**
 * Defence in depth for a Node executor thread (issue #20 item 4): takes the same network globals
 * away as the browser's {@link lockDownWorker} (`fetch`, `WebSocket`, `EventSource`,
 * `BroadcastChannel`, … where Node has them), and replaces `process.binding`,
 * `process._linkedBinding` and `process.dlopen` on the thread's own `process` with stubs that
 * throw. Lua code never sees any of these; this only narrows what a sandbox escape into
 * JavaScript would find. It does not block `import("node:fs")`, `import("node:net")` or
 * `import("node:child_process")`, which any JavaScript in the thread can still call: Node has no
 * per-thread switch for those (its permission model is process-wide). Returns what it took away.
 */
export function lockDownThread(scope: object = globalThis): string[] {
  const removed = lockDownWorker(scope);
  const proc = (scope as { process?: Record<string, unknown> }).process;
  if (proc !== undefined) {
    for (const name of PROCESS_MEMBERS) {
      if (typeof proc[name] !== "function") continue;
      Object.defineProperty(proc, name, {
        value: () => {
          throw new Error(`process.${name} is disabled in the Shoal executor thread: Lua tasks never load native code`);
        },
        writable: false,
        configurable: false,
      });
      removed.push(`process.${name}`);
    }
  }
  return removed;
}
