import { describe, expect, it } from "vitest";
import { isDonorKey, loadDonorKey, newDonorKey, saveDonorKey } from "./donorKey.ts";

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe("donor keys in the browser", () => {
  it("makes a 43-character base64url key from 32 random bytes", () => {
    const key = newDonorKey((b) => b.fill(255));
    expect(key).toBe(`${"_".repeat(42)}8`);
    expect(isDonorKey(newDonorKey())).toBe(true);
  });

  it("keeps the key across loads, and replaces anything that is not one", () => {
    const storage = memoryStorage();
    const first = loadDonorKey(storage);
    expect(loadDonorKey(storage)).toBe(first);
    const tampered = memoryStorage({ "shoal.donor.key": "<script>" });
    expect(loadDonorKey(tampered)).not.toBe("<script>");
    expect(isDonorKey(tampered.items.get("shoal.donor.key")!)).toBe(true);
  });

  it("takes a key brought from elsewhere only when it is one", () => {
    const storage = memoryStorage();
    saveDonorKey("k".repeat(40), storage);
    expect(loadDonorKey(storage)).toBe("k".repeat(40));
    expect(() => saveDonorKey("short", storage)).toThrow(/32 to 64/);
    expect(() => saveDonorKey(`${"k".repeat(40)}\n`, storage)).toThrow(/32 to 64/);
  });
});
