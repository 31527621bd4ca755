import { describe, expect, it } from "vitest";
import { ConsentStore } from "./embedConsent.ts";

function memoryStorage(): Pick<Storage, "getItem" | "setItem"> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

describe("ConsentStore", () => {
  it("keeps one decision per host origin, with the limits it covers: a yes on one site is not a yes on another", () => {
    const consents = new ConsentStore(memoryStorage());
    consents.set("https://a.example", { consent: "allowed", threads: 1, cpuPercent: 50 });
    expect(consents.get("https://a.example")).toEqual({ consent: "allowed", threads: 1, cpuPercent: 50 });
    expect(consents.get("https://b.example")).toBeUndefined();
    consents.set("https://a.example", { consent: "paused", threads: 1, cpuPercent: 50 });
    expect(consents.get("https://a.example")?.consent).toBe("paused");
    consents.set("https://a.example", { consent: "declined", threads: 1, cpuPercent: 50 });
    expect(consents.get("https://a.example")?.consent).toBe("declined");
  });

  it.each([
    ["an old bare yes", "yes"],
    ["empty", ""],
    ["not JSON", "{"],
    ["an unknown decision", JSON.stringify({ consent: "maybe", threads: 1, cpuPercent: 50 })],
    ["no limits", JSON.stringify({ consent: "allowed" })],
    ["too many threads", JSON.stringify({ consent: "allowed", threads: 1000, cpuPercent: 50 })],
    ["a fractional share", JSON.stringify({ consent: "allowed", threads: 1, cpuPercent: 50.5 })],
    ["an array", JSON.stringify(["allowed", 1, 50])],
  ])("reads %s in storage as no decision", (_name, stored) => {
    const storage = memoryStorage();
    storage.setItem("shoal.embed.consent:https://a.example", stored);
    expect(new ConsentStore(storage).get("https://a.example")).toBeUndefined();
  });
});
