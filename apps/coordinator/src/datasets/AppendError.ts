/** Why an append was refused before its rows were read: no such dataset (404), or not the latest version (409). */
export class AppendError extends Error {
  override readonly name = "AppendError";
  readonly status: 404 | 409;

  constructor(message: string, status: 404 | 409) {
    super(message);
    this.status = status;
  }
}
