/**
 * The globals through which a Web Worker can reach the network, start code from elsewhere or leave
 * the worker: fetch and its relatives, script loading, nested workers, channels to other contexts,
 * and storages that fetch (`caches.add`) or outlive the task (`indexedDB`; the page's
 * IdbShardStore keeps shards, the executor only receives them). `postMessage`, which comlink
 * needs, is not among them.
 */
export const NETWORK_GLOBALS: readonly string[] = [
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "WebSocketStream",
  "WebTransport",
  "EventSource",
  "importScripts",
  "BroadcastChannel",
  "Worker",
  "SharedWorker",
  "RTCPeerConnection",
  "webkitRTCPeerConnection",
  "indexedDB",
  "caches",
];

/** The members of `navigator` that reach the network from a worker, where a browser has them. */
export const NETWORK_NAVIGATOR_MEMBERS: readonly string[] = ["sendBeacon", "serviceWorker"];

/**
 * Takes the network away from the executor Web Worker (issue #20, defence in depth: Lua never
 * sees these, and if a sandbox escape ever let a script reach JavaScript, it would still find no
 * way out). Each name of {@link NETWORK_GLOBALS} present on `scope` (or on its prototype chain) is
 * redefined, non-writable and non-configurable so nothing can put it back: a function becomes a
 * stub that throws a clear error when called or constructed (still a function, so environment
 * checks such as Emscripten's `typeof importScripts` read the same), any other value becomes
 * `undefined`. The same is done to {@link NETWORK_NAVIGATOR_MEMBERS} on `scope.navigator`.
 *
 * Call it after whatever the worker legitimately fetches (wasmoon's glue.wasm) and before the
 * first task runs. Returns the names it took away (`navigator.` prefixed for navigator members).
 */
export function lockDownWorker(scope: object = globalThis): string[] {
  const removed: string[] = [];
  for (const name of NETWORK_GLOBALS) if (neuter(scope, name, name)) removed.push(name);
  const navigator = (scope as { navigator?: unknown }).navigator;
  if (typeof navigator === "object" && navigator !== null) {
    for (const name of NETWORK_NAVIGATOR_MEMBERS) if (neuter(navigator, name, `navigator.${name}`)) removed.push(`navigator.${name}`);
  }
  return removed;
}

/** The error every stub throws, naming what was called. */
export function lockedDownError(label: string): Error {
  return new Error(`${label} is disabled in the Shoal executor worker: Lua tasks never reach the network`);
}

/**
 * Replaces `name` on every prototype that holds it, and then pins it on `target` itself as well:
 * a browser keeps some (Chromium: `fetch`) on WorkerGlobalScope.prototype, where a non-configurable
 * property would still let anyone shadow it with an own one on the instance. False when none has it.
 */
function neuter(target: object, name: string, label: string): boolean {
  let found = false;
  let value: unknown;
  for (let holder: object | null = target; holder !== null; holder = Object.getPrototypeOf(holder) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(holder, name);
    if (descriptor === undefined) continue;
    found = true;
    const current = "value" in descriptor ? (descriptor.value as unknown) : undefined;
    const isFunction = typeof current === "function" || (descriptor.get !== undefined && looksCallable(target, name));
    value = isFunction ? stub(label) : undefined;
    if (descriptor.configurable) {
      Object.defineProperty(holder, name, { value, writable: false, configurable: false, enumerable: descriptor.enumerable ?? false });
    } else if (descriptor.writable) {
      (holder as Record<string, unknown>)[name] = value;
    } else {
      throw new Error(`cannot lock down ${label}: it is fixed in place`);
    }
  }
  if (found && !Object.prototype.hasOwnProperty.call(target, name)) {
    Object.defineProperty(target, name, { value, writable: false, configurable: false, enumerable: false });
  }
  return found;
}

function looksCallable(target: object, name: string): boolean {
  try {
    return typeof (target as Record<string, unknown>)[name] === "function";
  } catch {
    return false;
  }
}

function stub(label: string): () => never {
  return function lockedDown(): never {
    throw lockedDownError(label);
  };
}
