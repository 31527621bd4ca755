/**
 * What both engines share about `ts` results, which reach Lua as read-only views: an empty
 * table whose protected metatable holds the numbers, so a builtin's result costs no Lua
 * table entries and feeds the next builtin without being copied. Reads (`v[i]`, `#v`,
 * `ipairs`) behave as on an array of floats; writes, `rawset` and `setmetatable` fail with
 * {@link VIEW_READ_ONLY}; `pairs`, `next`, `rawget` and `rawlen` see the empty table.
 */

/** What `getmetatable` returns for a view (its metatable's `__metatable`). */
export const VIEW_NAME = "ts result";

/** The error of every write to a view. */
export const VIEW_READ_ONLY = "ts result is read-only; use ts.copy(x) for a table you can change";
