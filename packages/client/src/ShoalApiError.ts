/** The coordinator refused a request: `status` is the HTTP status, `line` the offending line of a script or CSV when known. */
export class ShoalApiError extends Error {
  override readonly name = "ShoalApiError";
  readonly status: number;
  readonly line: number | undefined;

  constructor(status: number, message: string, line?: number) {
    super(message);
    this.status = status;
    this.line = line;
  }

  /** Builds the error from a failed response, reading `{error, line?}` when the body has it. */
  static async from(response: Response, what: string): Promise<ShoalApiError> {
    let message = `${what}: HTTP ${response.status}`;
    let line: number | undefined;
    try {
      const body: unknown = JSON.parse(await response.text());
      if (typeof body === "object" && body !== null && "error" in body && typeof body.error === "string") message = body.error;
      if (typeof body === "object" && body !== null && "line" in body && typeof body.line === "number") line = body.line;
    } catch {
      // not JSON: keep the status line
    }
    return new ShoalApiError(response.status, message, line);
  }
}
