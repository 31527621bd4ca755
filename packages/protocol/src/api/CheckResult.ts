/** `POST /api/check`'s answer: the script compiles, or Lua's message and line (null when Lua gave none). */
export type CheckResult = { ok: true } | { ok: false; error: { message: string; line: number | null } };
