import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/shoal.js", import.meta.url));

export interface ShoalRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `shoal` command as a child process from the repository root. */
export function runShoal(args: string[]): Promise<ShoalRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Compares two JSON values: integers exactly, other numbers within `rel` relative error.
 * Returns the path of the first difference, or undefined when they agree.
 */
export function firstDifference(a: unknown, b: unknown, rel = 1e-9, path = "$"): string | undefined {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isInteger(a) && Number.isInteger(b)) return a === b ? undefined : `${path}: ${a} ≠ ${b}`;
    const scale = Math.max(Math.abs(a), Math.abs(b));
    return Math.abs(a - b) <= rel * scale ? undefined : `${path}: ${a} ≠ ${b}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const diff = firstDifference(a[i], b[i], rel, `${path}[${i}]`);
      if (diff) return diff;
    }
    return undefined;
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a).sort();
    if (keys.join() !== Object.keys(b).sort().join()) return `${path}: keys ${keys} ≠ ${Object.keys(b).sort()}`;
    for (const key of keys) {
      const diff = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], rel, `${path}.${key}`);
      if (diff) return diff;
    }
    return undefined;
  }
  return a === b ? undefined : `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}
