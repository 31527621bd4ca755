/** A chunk the compiled engine will not run: a syntax error, or a construct it does not support yet. The message reads `chunk:LINE: why`. */
export class CompileRefusal extends Error {
  override readonly name = "CompileRefusal";
}
