import { DONOR_LIMITS } from "@shoal/protocol/displayText";

const STORAGE_KEY = "shoal.donor.key";
const KEY_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${DONOR_LIMITS.keyMinChars},${DONOR_LIMITS.keyMaxChars}}$`);

/** A fresh donor key: 256 random bits in base64url. */
export function newDonorKey(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** True for text shaped like a donor key (what the coordinator accepts). */
export function isDonorKey(text: string): boolean {
  return KEY_SHAPE.test(text);
}

/**
 * This browser's donor key, made and kept in localStorage on first use: the secret that holds the
 * donor's credit, name and team. Anything else found there is replaced.
 */
export function loadDonorKey(storage: Pick<Storage, "getItem" | "setItem"> = localStorage): string {
  const saved = storage.getItem(STORAGE_KEY);
  if (saved !== null && isDonorKey(saved)) return saved;
  const key = newDonorKey();
  storage.setItem(STORAGE_KEY, key);
  return key;
}

/** Replaces this browser's key with one the donor brings from elsewhere (another browser, `shoal worker --donor-key`). */
export function saveDonorKey(key: string, storage: Pick<Storage, "setItem"> = localStorage): void {
  if (!isDonorKey(key)) throw new Error(`a donor key is ${DONOR_LIMITS.keyMinChars} to ${DONOR_LIMITS.keyMaxChars} letters, digits, _ or -`);
  storage.setItem(STORAGE_KEY, key);
}
