import type * as Coordinator from "@shoal/coordinator";
import { UsageError } from "./UsageError.ts";

/** The coordinator's module: loaded only by the commands that need it, so a volunteer never loads SQLite. */
export type CoordinatorModule = typeof Coordinator;

/**
 * Loads the coordinator and opens an in-memory store once, so that a missing or unbuilt
 * better-sqlite3 (an optional dependency of the installed `shoal`, since it compiles native code
 * where no prebuilt binary fits) is reported as one clear line instead of a stack trace.
 */
export async function loadCoordinator(command: string): Promise<CoordinatorModule> {
  try {
    const coordinator = await import("@shoal/coordinator");
    new coordinator.SqliteStore(":memory:").close();
    return coordinator;
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    if (!/better[-_]sqlite3|bindings/i.test(reason)) throw error;
    throw new UsageError(
      `'shoal ${command}' needs better-sqlite3, which is not installed or not built here (${reason}). ` +
        "Install it beside shoal (npm install -g better-sqlite3; it needs a C++ toolchain where no prebuilt binary fits). " +
        "Volunteers ('shoal worker'), 'shoal run' and 'shoal submit' do not need it.",
    );
  }
}
