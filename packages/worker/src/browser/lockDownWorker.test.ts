import { describe, expect, it } from "vitest";
import { lockDownWorker, NETWORK_GLOBALS } from "./lockDownWorker.ts";

/** A plain object standing for a worker's `self`, with network globals as a browser defines them (writable, configurable). */
function fakeScope(): Record<string, unknown> {
  const scope: Record<string, unknown> = { postMessage: () => "posted", setTimeout: () => 1 };
  for (const name of NETWORK_GLOBALS) scope[name] = name === "indexedDB" || name === "caches" ? { open: () => "opened" } : () => `${name} reached the network`;
  scope["navigator"] = { userAgent: "test", sendBeacon: () => true };
  return scope;
}

describe("lockDownWorker", () => {
  it("takes every network global away and reports each name", () => {
    const scope = fakeScope();
    const removed = lockDownWorker(scope);
    expect(removed).toEqual([...NETWORK_GLOBALS, "navigator.sendBeacon"]);
  });

  it("turns functions into stubs that throw a clear error when called or constructed", () => {
    const scope = fakeScope();
    lockDownWorker(scope);
    expect(() => (scope["fetch"] as () => unknown)()).toThrow("fetch is disabled in the Shoal executor worker: Lua tasks never reach the network");
    expect(() => new (scope["XMLHttpRequest"] as new () => unknown)()).toThrow(/^XMLHttpRequest is disabled/);
    expect(() => new (scope["WebSocket"] as new () => unknown)()).toThrow(/^WebSocket is disabled/);
    expect(() => (scope["importScripts"] as () => unknown)()).toThrow(/^importScripts is disabled/);
    expect(() => ((scope["navigator"] as Record<string, () => unknown>)["sendBeacon"] as () => unknown)()).toThrow(/^navigator\.sendBeacon is disabled/);
    // Still functions, so environment checks such as Emscripten's `typeof importScripts` read the same.
    expect(typeof scope["importScripts"]).toBe("function");
  });

  it("empties storages, keeps postMessage and the rest", () => {
    const scope = fakeScope();
    lockDownWorker(scope);
    expect(scope["indexedDB"]).toBeUndefined();
    expect(scope["caches"]).toBeUndefined();
    expect((scope["postMessage"] as () => string)()).toBe("posted");
    expect((scope["navigator"] as Record<string, unknown>)["userAgent"]).toBe("test");
  });

  it("leaves every name non-writable and non-configurable, so nothing can put it back", () => {
    const scope = fakeScope();
    lockDownWorker(scope);
    for (const name of NETWORK_GLOBALS) {
      const descriptor = Object.getOwnPropertyDescriptor(scope, name);
      expect(descriptor, name).toMatchObject({ writable: false, configurable: false });
      expect(() => {
        scope[name] = () => "restored";
      }, name).toThrow(TypeError);
      expect(() => Object.defineProperty(scope, name, { value: () => "restored" }), name).toThrow(TypeError);
    }
  });

  it("also replaces a name held on the prototype chain, as a browser's interfaces may be", () => {
    const proto = { fetch: () => "reached" };
    const scope = Object.create(proto) as Record<string, unknown>;
    expect(lockDownWorker(scope)).toEqual(["fetch"]);
    expect(() => (proto.fetch as () => unknown)()).toThrow(/^fetch is disabled/);
    // Pinned on the instance too, so an own property cannot shadow the locked prototype's one.
    expect(Object.getOwnPropertyDescriptor(scope, "fetch")).toMatchObject({ writable: false, configurable: false });
    expect(() => Object.defineProperty(scope, "fetch", { value: () => "restored" })).toThrow(TypeError);
    expect(() => (scope["fetch"] as () => unknown)()).toThrow(/^fetch is disabled/);
  });

  it("reads an accessor without calling through: a getter for an object becomes undefined, a getter for a function a stub", () => {
    const scope = {};
    Object.defineProperty(scope, "caches", { get: () => ({ add: () => "fetched" }), configurable: true });
    Object.defineProperty(scope, "fetch", { get: () => () => "fetched", configurable: true });
    expect(lockDownWorker(scope)).toEqual(["fetch", "caches"]);
    expect((scope as Record<string, unknown>)["caches"]).toBeUndefined();
    expect(() => (scope as Record<string, () => unknown>)["fetch"]!()).toThrow(/^fetch is disabled/);
  });

  it("refuses to report success when a name is fixed in place and cannot be replaced", () => {
    const scope = {};
    Object.defineProperty(scope, "fetch", { value: () => "reached", writable: false, configurable: false });
    expect(() => lockDownWorker(scope)).toThrow("cannot lock down fetch: it is fixed in place");
  });

  it("reports nothing on a scope that has none of them", () => {
    expect(lockDownWorker({ postMessage: () => undefined })).toEqual([]);
  });
});
