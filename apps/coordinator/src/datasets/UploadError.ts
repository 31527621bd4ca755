/** Why an upload was refused: too large (413) or unreadable (400, with the CSV line when there is one). */
export class UploadError extends Error {
  override readonly name = "UploadError";
  readonly tooLarge: boolean;
  readonly line: number | undefined;

  constructor(message: string, options: { tooLarge?: boolean; line?: number } = {}) {
    super(message);
    this.tooLarge = options.tooLarge ?? false;
    this.line = options.line;
  }
}
