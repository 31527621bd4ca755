import type { DiffCase } from "../DiffCase.ts";
import { casesOf } from "../DiffCase.ts";

/**
 * Differences the harness found that the engines no longer have: fengari's string.format now
 * follows C's printf, 5.4's checks and messages are kept, and what fengari cannot do (integer
 * strings in arithmetic, \u{...} past 10FFFF) is refused naming --engine wasmoon.
 */
export const fixedCases: DiffCase[] = casesOf("fixed", {
  "arithmetic on numeric strings gives integers": "return \"10\" + 1, \"2\" * \"3\", \"7\" // \"2\", -\"2\"",
  "a for loop with step 0 is an error": "return pcall(function() for i = 1, 10, 0 do end end)",
  "format conversion messages": "return pcall(string.format, \"%y\", 1)",
  "format space and # flags": "return pcall(string.format, \"[% d] [%#x]\", 42, 255)",
  "format %E and %G": "return pcall(string.format, \"%E %G\", 1e300, 1e-10)",
  "format %e": "return string.format(\"%e|%12.3e\", 12345.678, -1)",
  "format %g exponents": "return string.format(\"%g %g %.3g\", 1e6, 1e-5, 1234567)",
  "format precision of %d": "return string.format(\"[%.3d]\", 5)",
  "format width of %c": "return string.format(\"[%5c] [%-3c]\", 65, 66)",
  "format %f default precision": "return string.format(\"%f\", 3.14159)",
  "format %.Nf rounds exact ties to even": "return string.format(\"%.0f %.0f %.2f %.1f %5.1f\", 2.5, 0.5, 0.125, 0.25, 2.25)",
  "format %q of infinities": "return string.format(\"%q %q\", 1/0, -1/0)",
  "utf8.charpattern": "return utf8.charpattern",
  "float modulo of tiny numbers": "local b = 1e-300\nreturn (-2.1 * b) % (2 * b) > 0, (2.1 * b) % (-2 * b) < 0",
  "bitwise operators refuse numeric strings": "return (pcall(function() return \"3\" | 0 end)), (pcall(function() local x = \"7\" return ~x end)), (pcall(function() return 1 << \"2\" end)), (pcall(function() return \"3.0\" & 1 end))",
  "utf8 escapes past U+10FFFF": "return #\"\\u{7FFFFFFF}\", #\"\\u{110000}\"",
});
