/** Thrown by a library function written in JavaScript; raised as a Lua error at the position of the Lua code that called it. */
export class LibError extends Error {
  override readonly name = "LibError";

  /** `placed`: the message already starts with its position (a tripped guard's), so none is added. */
  constructor(
    message: string,
    readonly placed = false,
  ) {
    super(message);
  }
}
