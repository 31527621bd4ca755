import { describe, expect, it } from "vitest";
import { ConsentStore } from "./embedConsent.ts";

function memoryStorage(): Pick<Storage, "getItem" | "setItem"> {
  const items = new Map<string, string>();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => void items.set(key, value) };
}

describe("ConsentStore", () => {
  it("keeps one decision per host origin: a yes on one site is not a yes on another", () => {
    const consents = new ConsentStore(memoryStorage());
    consents.set("https://a.example", "allowed");
    expect(consents.get("https://a.example")).toBe("allowed");
    expect(consents.get("https://b.example")).toBeUndefined();
    consents.set("https://a.example", "paused");
    expect(consents.get("https://a.example")).toBe("paused");
    consents.set("https://a.example", "declined");
    expect(consents.get("https://a.example")).toBe("declined");
  });

  it("reads anything else in storage as no decision", () => {
    const storage = memoryStorage();
    storage.setItem("shoal.embed.consent:https://a.example", "yes");
    storage.setItem("shoal.embed.consent:https://b.example", "");
    const consents = new ConsentStore(storage);
    expect(consents.get("https://a.example")).toBeUndefined();
    expect(consents.get("https://b.example")).toBeUndefined();
  });
});
