/** Longest connection URL taken: a real one is far shorter, and it is parsed before anything connects. */
export const MAX_URL_CHARS = 2048;

/** Whether a `--store` value names PostgreSQL (`postgres://` or `postgresql://`). */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/**
 * Checks a PostgreSQL connection URL before it is used: a `postgres://` or `postgresql://` URL with
 * a host and at most {@link MAX_URL_CHARS} characters. The error names the URL with its password
 * masked, never the password itself.
 */
export function checkPostgresUrl(text: string): void {
  if (text.length > MAX_URL_CHARS) throw new Error(`the PostgreSQL URL is longer than ${MAX_URL_CHARS} characters`);
  if (!isPostgresUrl(text)) throw new Error(`'${redactUrl(text)}' is not a PostgreSQL URL: expected postgres://user:password@host:port/database`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`'${redactUrl(text)}' is not a valid URL: expected postgres://user:password@host:port/database`);
  }
  if (url.hostname === "" && !url.searchParams.has("host")) throw new Error(`'${redactUrl(text)}' names no host: expected postgres://user:password@host:port/database`);
}

/** The URL with any password (in the authority or a `password` parameter) replaced by `***`, for messages and logs. */
export function redactUrl(text: string): string {
  return text
    .slice(0, MAX_URL_CHARS)
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^/?#]*@/i, "$1:***@")
    .replace(/([?&]password=)[^&#]*/gi, "$1***");
}
