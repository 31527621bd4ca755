import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { DONOR_LIMITS, donorKeySchema } from "@shoal/protocol";
import { UsageError } from "../UsageError.ts";

/** A fresh donor key: 256 random bits in base64url, as the donor page makes them. */
export function newDonorKey(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The donor key of `shoal worker`: `--donor-key KEY` as given, or `--donor-key-file PATH` read
 * (trimmed), or made and written there (mode 0600) when the file does not exist yet, so the same
 * key — and the credit bound to it — is used on every start. Either must be a valid key.
 */
export function readDonorKey(key: string | undefined, file: string | undefined): string | undefined {
  if (key !== undefined && file !== undefined) throw new UsageError("give --donor-key or --donor-key-file, not both");
  let text = key;
  let flag = "--donor-key";
  if (file !== undefined) {
    flag = `--donor-key-file ${file}`;
    try {
      text = readFileSync(file, { encoding: "utf8", flag: "r" }).slice(0, 4096).trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new UsageError(`${flag}: ${(error as Error).message}`);
      text = newDonorKey();
      writeFileSync(file, `${text}\n`, { mode: 0o600, flag: "wx" });
    }
  }
  if (text === undefined) return undefined;
  if (!donorKeySchema.safeParse(text).success) {
    throw new UsageError(`${flag}: a donor key is ${DONOR_LIMITS.keyMinChars} to ${DONOR_LIMITS.keyMaxChars} letters, digits, _ or - (the donor page shows yours)`);
  }
  return text;
}
