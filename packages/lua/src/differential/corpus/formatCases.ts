import { casesOf } from "../DiffCase.ts";

/** string.format's specifiers, flags, widths and precisions, and %q. */
export const formatCases = casesOf("format", {
  "integers": `return string.format("[%d] [%5d] [%-5d] [%05d] [%+d] [%i]", 42, 42, 42, 42, 42, -7)`,
  "hex and octal": `return string.format("%x %X %o %08x %5x|%-5X|", 255, 255, 8, 48879, 10, 11)`,
  "characters": `return string.format("%c%c%c|", 76, 117, 97), #string.format("%c", 0)`,
  "fixed": `return string.format("%.1f %.3f %10.2f %-10.2f| %+.2f %08.3f %.20f %5.1f %.0f", 0.05, 1/3, -1.005, 1.5, 2, -3.14159, 0.1, 1e15, 2.7)`,
  "general": `return string.format("%g %g %g %.3g %.10g %10.3g|%-10g|", 100000, 1e-4, 0.1, 2/3, 2/3, 0.0001234, 5)`,
  "integers as floats": `return string.format("%d %d %x", 3.0, -2^30, 2^30)`,
  "float without integer value": `return pcall(string.format, "%d", 3.5)`,
  "strings": `return string.format("[%s] [%10s] [%-10s] [%.2s] [%s] [%s] [%s]", "abc", "abc", "abc", "abc", 12, 1.5, true)`,
  "percent and mixed": `return string.format("%d%% of %s is %.1f", 50, "ten", 5.0)`,
  "q strings": `return string.format("%q", "a\\nb\\0c\\"d\\\\e\\r\\t\\1\\200\\0001")`,
  "q numbers": `return string.format("%q %q %q %q %q", 1, -0.5, 0.1, 1e100, 2^63)`,
  "hex floats": `return string.format("%a %a %a %A", 1, 0.5, -3.75, 255.5)`,
  "argument errors": `local msgs = {}
    for _, args in ipairs({ { "%d", "x" }, { "%d" }, { "%s" } }) do
      msgs[#msgs + 1] = select(2, pcall(string.format, table.unpack(args)))
    end
    return table.concat(msgs, " | ")`,
  "tostring inside format": `local t = setmetatable({}, { __tostring = function() return "T!" end })
    return string.format("%s %5s", t, t)`,
})
