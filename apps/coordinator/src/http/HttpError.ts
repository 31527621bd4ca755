/** An error the API answers with `status` and the body `{error, line?}`. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly line: number | undefined;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, options: { line?: number; headers?: Record<string, string> } = {}) {
    super(message);
    this.status = status;
    this.line = options.line;
    this.headers = options.headers ?? {};
  }
}
