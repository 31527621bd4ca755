import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDonorKey } from "./readDonorKey.ts";

const KEY = "Zm9vYmFyYmF6cXV4LWRvbm9yLWtleS0wMTIzNDU2Nzg";
const dir = () => mkdtempSync(join(tmpdir(), "shoal-donor-key-"));

describe("readDonorKey", () => {
  it("takes a valid --donor-key as given, and nothing when neither flag is set", () => {
    expect(readDonorKey(KEY, undefined)).toBe(KEY);
    expect(readDonorKey(undefined, undefined)).toBeUndefined();
  });

  it("makes a key file (mode 0600) on first use and reads the same key back after", () => {
    const file = join(dir(), "donor.key");
    const made = readDonorKey(undefined, file) as string;
    expect(made).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readDonorKey(undefined, file)).toBe(made);
    expect(readFileSync(file, "utf8").trim()).toBe(made);
  });

  it.each([
    ["a short key", "abc", undefined, /--donor-key: a donor key is 32 to 64/],
    ["an oversized key", "k".repeat(65), undefined, /--donor-key: a donor key/],
    ["a key with a newline", `${KEY}\nrm`, undefined, /--donor-key: a donor key/],
    ["both flags", KEY, "x", /not both/],
  ])("refuses %s", (_name, key, file, reason) => {
    expect(() => readDonorKey(key, file)).toThrow(reason);
  });

  it("refuses a key file holding something else, and a directory", () => {
    const d = dir();
    writeFileSync(join(d, "bad.key"), "<script>alert(1)</script>");
    expect(() => readDonorKey(undefined, join(d, "bad.key"))).toThrow(/--donor-key-file .*bad\.key: a donor key/);
    expect(() => readDonorKey(undefined, d)).toThrow(/--donor-key-file/);
  });
});
