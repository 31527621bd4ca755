/** True when `message` already names `line` (Lua's `job.lua:24: …`, a parser's `line 3: …`). */
export function namesLine(message: string, line: number): boolean {
  return new RegExp(`(:${line}:|\\bline ${line}\\b)`, "i").test(message);
}

/** An error message led by its line in bold, unless the message already says which line it is. */
export function LineMessage({ message, line }: { message: string; line: number | undefined }) {
  return (
    <>
      {line !== undefined && !namesLine(message, line) && <strong>Line {line}: </strong>}
      {message}
    </>
  );
}
