import { randomBytes } from "node:crypto";

/** A fresh random id such as `j_3f9c0a1b2c3d4e5f`: a prefix naming the kind, then 64 random bits in hex. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString("hex")}`;
}
