/**
 * A job request that cannot be met: a bad body or spec or one past a per-job limit (400, with the
 * Lua line if any), an unknown job or dataset (404), a wrong state (409), or a grid too full to
 * take it now (429).
 */
export class JobRequestError extends Error {
  override readonly name = "JobRequestError";
  readonly status: 400 | 404 | 409 | 429;
  readonly line: number | undefined;

  constructor(message: string, options: { status?: 400 | 404 | 409 | 429; line?: number } = {}) {
    super(message);
    this.status = options.status ?? 400;
    this.line = options.line;
  }
}
