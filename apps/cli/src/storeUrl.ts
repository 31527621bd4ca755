import { checkPostgresUrl } from "@shoal/coordinator/postgresUrl";
import { UsageError } from "./UsageError.ts";

/**
 * The PostgreSQL store's URL from `--store`, else from `SHOAL_STORE_URL` (which keeps the password
 * out of the process list), else undefined (SQLite in the data directory). A value that is not a
 * PostgreSQL URL is a usage error naming it with its password masked.
 */
export function storeUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = flag ?? (env.SHOAL_STORE_URL || undefined);
  if (url === undefined) return undefined;
  try {
    checkPostgresUrl(url);
  } catch (error) {
    throw new UsageError(`--store: ${(error as Error).message}`);
  }
  return url;
}
