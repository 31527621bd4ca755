/** Thrown by a library function written in JavaScript; raised as a Lua error at the position of the Lua code that called it. */
export class LibError extends Error {
  override readonly name = "LibError";
}
