import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LuaEngine } from "../LuaEngine.ts";
import { mapBody, runMap } from "./fixtures.ts";
import { findNativeLua } from "./nativeLua.ts";
import { hexResultsLua, nativeResults, readable } from "./nativeResults.ts";

/** Expressions whose value (as `tostring` gives it) every engine must share with native Lua 5.4, by topic. */
const SAME_AS_LUA54: Readonly<Record<string, readonly string[]>> = {
  "floats are written as %.14g, with .0 when that looks like an integer": [
    "-0.0",
    "2^53",
    "2^53 .. ''",
    "-0.0 .. '|' .. 2^63 .. '|' .. -2^63",
    "string.format('%s', 2^53)",
    "table.concat({ 2^53, -0.0, 1.5, 1e100 }, ',')",
    "1e15",
    "1e16",
    "0.1",
    "0.1 + 0.2",
    "1 / 3",
    "-1 / 3",
    "1e-5",
    "1e-4",
    "123456.789e3",
    "5e-324",
    "2^-1074 * 3",
    "1.7976931348623157e308",
    "1 / 0",
    "-1 / 0",
    "0 / 0",
    "-(0 / 0)",
    "math.huge",
    "math.pi",
    "-math.pi",
    "7 // 0.0",
    "1e15 // 1",
    "100 / 2",
    "12345678901234.0",
    "-12000000000000.0",
    "10000000000000.0 + 0.5",
    "12345678901234.5",
    "1234567890123.25",
    "999999999999995.0",
    "99999999999999.5",
    "0.000123456789012345",
    "tonumber('99999999999999999999')",
    "tonumber('0x1p4')",
    "3 | 0",
    "math.tointeger(3.0)",
    "2^31 // 1",
    "(function() local t = {} t[1.0] = 'a' t[2.5] = 'b' local k = {} for key in pairs(t) do k[#k + 1] = tostring(key) end table.sort(k) return table.concat(k, ' ') end)()",
  ],
  "string.format writes numbers as C's printf does, integers on 64 bits": [
    ...["%d", "%5.2d", "%-5d|", "%+.3d", "% d", "%05d", "%.0d", "%i", "%u", "%x", "%X", "%#x", "%#o", "%#.3x", "%o", "%c"].flatMap((f) =>
      ["42", "0", "-1", "255", "3.0", "-2147483647 - 1"].map((x) => `string.format('${f}', ${x})`),
    ),
    ...["%g", "%.3f", "%5.1f", "%e", "%.0f", "%#.0f", "%+.2e", "%-10.3g|", "%010.2f", "%.0e", "%G", "%.20g", "%.99f", "%E", "%.14g", "%f", "%a", "%.3a", "%5.1s"].flatMap((f) =>
      ["0.0", "-0.0", "1", "0.1", "2/3", "2^53", "2^63", "1e-5", "123456.789", "1e-300", "1e300", "1/0", "-1/0", "0/0", "-(0/0)", "12345678901234.5", "0.25", "2.5", "999999.5"].map(
        (x) => `string.format('${f}', ${x})`,
      ),
    ),
    "string.format('%d', 2^31)",
    "string.format('%d', -2^63)",
    "string.format('%x', 2^40)",
    "string.format('%d', '12')",
    "string.format('%5.2s|%-5s|%s', 'abc', 'd', 1.5)",
    "string.format('%s %s %s', 2^53, -0.0, 10 // 3)",
    "string.format('%c%c%c', 65, 256 + 66, 200)",
    "string.format('%q', 'a\\0b\\n\\r\\\\\"\\1272')",
    "string.format('%q %q %q %q %q %q', 1/0, -1/0, 0/0, -2147483647 - 1, 2^31, 0.1)",
    "string.format('%%|%5%|%s', 'x')",
    "string.format('%.3s|%10.3s|', 'abcdef', 'abcdef')",
    "string.format('%s', string.rep('x', 120))",
    ...["%#d", "%+x", "%5.1c", "%123d", "%5.123f", "%10q", "%y", "%", "%5", "%05s", "%.3c", "%-+ #0-+ #0-+ #0-+ #0-+ #05d"].map((f) => `string.format('${f}', 42)`),
    "string.format('%d', 3.5)",
    "string.format('%d', 2^63)",
    "string.format('%d')",
    "string.format('%f', 'x')",
    "string.format('%5s', 'a\\0b')",
  ],
  "a UTF-8 source's characters are their bytes": [
    `#"é"`,
    `table.concat({ ("é"):byte(1, -1) }, ",")`,
    `#"日本語"`,
    `"\\u{E9}" == "é"`,
    `"\\xC3\\xA9" == "é"`,
    `utf8.len("héllo")`,
    `("é"):rep(2):sub(2, 3) == "\\xA9\\xC3"`,
    `#"😀"`,
  ],
  "string order is byte order, for long strings and bytes below 16 too": [
    `string.rep("z", 33) < "a"`,
    `"a\\n" < "0"`,
    `"a" < string.rep("z", 33)`,
    `"\\15" < "\\16"`,
    `"\\1\\0" < "\\16"`,
    `"a\\0b" < "a\\0c"`,
    `"a" < "a\\0"`,
    `"" < "\\0"`,
    `"\\127" < "\\255"`,
    `string.rep("a", 32) < string.rep("a", 33)`,
    `string.rep("a", 40) .. "b" < string.rep("a", 40) .. "c"`,
    `string.rep("a", 31) .. "\\0" <= string.rep("a", 31) .. "\\0"`,
    `string.rep("b", 40) <= string.rep("a", 41)`,
    `(function() local t = { "b", string.rep("z", 33), "a", "c\\n", "c", "c\\0", "\\0", string.rep("c", 34) } table.sort(t) return table.concat(t, ",") end)()`,
  ],
};

/** Integer operations that stay within 32 bits, or whose 64-bit result wraps back into them: no engine may refuse them. */
const INTEGERS_IN_RANGE: readonly string[] = [
  "(function() local t = {} t[2^31 - 1.0] = 1 local k = next(t) return math.type(k) .. ' ' .. k end)()",
  "(function() local t = {} t[1.5] = 1 t[-0.0] = 2 local a, b = next(t), t[0] return math.type(a) .. ' ' .. a .. ' ' .. b end)()",
  "2147483646 + 1",
  "-2147483647 - 1",
  "(-2147483647 - 1) + 0",
  "46340 * 46340",
  "-46341 * 46340",
  "1 << 30",
  "-1 << 31",
  "5 << 0",
  "1 << 64",
  "1 << -1",
  "-8 >> 64",
  "0x7fffffff >> 30",
  "1.0 << 3",
  "(-2147483647 - 1) // 1",
  "(-2147483647 - 1) % -1",
  "7 // -2",
  "-7 % 3",
  "~0",
  "0xffffffffffffffff",
  "0x7fffffff",
  "tonumber('  12  ')",
  "tonumber('0xffffffffffffffff')",
  "tonumber('7fffffff', 16)",
  "math.type('10.5' + 1)",
  "'10.5' + 1",
  "'2' ^ 2",
  "'7' / '2'",
  "(function() local s = 0 for i = 2147483640, 2147483647 do s = s + 1 end return s end)()",
  "(function() local s = 0 for i = -2147483647 - 1, -2147483640 do s = s + 1 end return s end)()",
  "(function() local s = 0 for i = -2147483640, -2147483647 - 1, -1 do s = s + 1 end return s end)()",
  "(function() local s = 0 for i = -2000000000, 0, 500000000 do s = s + 1 end return s end)()",
  "(function() local s = 0 for i = 1, 2000000000, 1000000000 do s = s + i end return s end)()",
  "(function() local s = 0 for i = 2147483600, 2147483647, 20 do s = s + 1 end return s end)()",
  "(function() local n = 0 for i = 2147483647, 1e10 do n = n + 1 break end return n end)()",
  "(function() local ok, e = pcall(function() for i = 1, 10, 0 do end end) return e end)()",
  "math.tointeger(2^30)",
  "math.tointeger(3.5)",
  "math.floor(-3.5)",
  "math.ceil(2^31 - 1.5)",
  "math.floor(2^70) == 2^70",
  "math.abs(-2147483647)",
  "string.unpack('I4', '\\255\\255\\255\\127')",
  "string.unpack('i4', '\\255\\255\\255\\255')",
  "select(2, string.unpack('<i2 I4 z I', '\\255\\255\\1\\0\\0\\0ab\\0\\7\\0\\0\\0'))",
  "string.packsize('i4 I2 d b')",
];

/** Integer results Lua 5.4 has and fengari's 32-bit integers do not: fengari must refuse each with a clear error, never wrap. */
const BEYOND_INT32: readonly string[] = [
  "(function() local t = {} t[2^53] = 1 local k = next(t) return k end)()",
  "(function() local t = {} t[1.6e12] = true for k in pairs(t) do return math.type(k) .. ' ' .. k end end)()",
  "(function() local a = 2147483647 return a + 1 end)()",
  "2147483647 + 1",
  "(-2147483647 - 1) - 1",
  "(function() local a = -2147483647 - 1 return -a end)()",
  "65536 * 65536",
  "(-2147483647 - 1) // -1",
  "1 << 31",
  "(function() local n = 40 return 1 << n end)()",
  "1.0 << 31",
  "-1 >> 1",
  "-1 >> 33",
  "0x7fffffff << 1",
  "(function() for i = 2147483640, 3e9 do if i > 2147483647 then return i end end end)()",
  "(function() for i = 2147483640, math.huge do if i > 2147483647 then return i end end end)()",
  "(function() for i = -2147483640, -3e9, -1 do if i < -2 ^ 31 then return i end end end)()",
  "tonumber('3000000000')",
  "tonumber('-2147483649')",
  "tonumber('0xffffffff')",
  "tonumber('ffffffff', 16)",
  "'3000000000' + 0",
  "'10' + 1",
  "1 + '10'",
  "'7' // '2'",
  "'7' % 2",
  "-'2'",
  "math.tointeger(2^31)",
  "math.floor(2^40)",
  "math.ceil(-2^40 - 0.5)",
  "math.abs(-2147483647 - 1)",
  "math.maxinteger",
  "math.mininteger",
  "string.packsize('j')",
  "string.unpack('I4', '\\255\\255\\255\\255')",
  "select(4, string.unpack('<i2 I4 z I', '\\255\\255\\1\\0\\0\\0ab\\0\\7\\0\\0\\128'))",
];

/** C's long and size_t: 8 bytes in Lua 5.4 on 64-bit Linux, 4 in fengari and in wasmoon (wasm32). Both must refuse. */
const NATIVE_SIZES: readonly string[] = ["#string.pack('l', 1)", "string.packsize('L')", "string.unpack('T', string.rep('\\0', 8))", "string.packsize('i4 !8 Xl')"];

/** Formats whose C-library output differs between glibc (native Lua 5.4) and musl (wasmoon); fengari writes glibc's. */
const SUBNORMAL_HEX: readonly string[] = ["string.format('%a', 5e-324)", "string.format('%.3A', 1e-310)", "string.format('%q', 2^-1040)"];

/** Chunks Lua 5.4 compiles and fengari (Lua 5.3, 32-bit integers) cannot, with what its error must say. */
const LUA54_ONLY_SOURCE: readonly { source: string; fengari: RegExp }[] = [
  { source: "return 3000000000", fengari: /^job\.lua:1: integer 3000000000 does not fit fengari's 32-bit integers \(Lua 5\.4 has 64; use --engine wasmoon\)$/ },
  { source: "local x = 1\nreturn -2147483648", fengari: /^job\.lua:2: integer 2147483648 does not fit fengari's 32-bit integers/ },
  { source: "return 0xffffffff", fengari: /^job\.lua:1: integer 0xffffffff does not fit fengari's 32-bit integers/ },
  { source: "return 9223372036854775807", fengari: /^job\.lua:1: integer 9223372036854775807 does not fit fengari's 32-bit integers/ },
  { source: "local x <const> = 5\nreturn x", fengari: /^job\.lua:1: .* \(fengari is Lua 5\.3: <const>\/<close> need --engine wasmoon\)$/ },
  { source: "do local f <close> = nil end", fengari: /^job\.lua:1: .* \(fengari is Lua 5\.3: <const>\/<close> need --engine wasmoon\)$/ },
  { source: "return '\\u{7FFFFFFF}'", fengari: /^job\.lua:1: .* \(fengari is Lua 5\.3: \\u\{\.\.\.\} past 10FFFF needs --engine wasmoon\)$/ },
];

/** Runs `exprs` in one map call on `engine`, giving each result as nativeResults does. */
function engineResults(engine: LuaEngine, exprs: readonly string[]): string[] {
  return (runMap(engine, mapBody(`${hexResultsLua(exprs)}return out`)).value as string[]).map(readable);
}

/** Asserts the engine gives native Lua 5.4's answer for each case where Shoal promises it does. */
export function lua54Suite(engine: LuaEngine): void {
  describe("integers as native Lua 5.4", () => {
    it("gives 5.4's result wherever fengari's 32-bit integers hold it", () => {
      const expected = nativeResults(INTEGERS_IN_RANGE);
      const got = engineResults(engine, INTEGERS_IN_RANGE);
      expect(got.map((r, i) => `${INTEGERS_IN_RANGE[i]} → ${r}`)).toEqual(expected.map((r, i) => `${INTEGERS_IN_RANGE[i]} → ${r}`));
    });

    it(engine.name === "fengari" ? "refuses, naming the limit, each result past 32 bits" : "gives 5.4's result past 32 bits", () => {
      const expected = nativeResults(BEYOND_INT32);
      const got = engineResults(engine, BEYOND_INT32);
      for (const [i, expr] of BEYOND_INT32.entries()) {
        if (engine.name !== "fengari") expect(`${expr} → ${got[i]}`).toBe(`${expr} → ${expected[i]}`);
        else expect(`${expr} → ${got[i]}`).toMatch(/→ error: job\.lua:\d+: .*(does not fit fengari's 32-bit integers \(Lua 5\.4 has 64; use --engine wasmoon\)|as an integer, fengari as a float)/);
      }
    });
  });

  it(engine.name === "fengari" ? "writes subnormal floats in hex as glibc does" : "refuses to write subnormal floats in hex", () => {
    const expected = nativeResults(SUBNORMAL_HEX);
    for (const [i, got] of engineResults(engine, SUBNORMAL_HEX).entries()) {
      if (engine.name === "fengari") expect(`${SUBNORMAL_HEX[i]} → ${got}`).toBe(`${SUBNORMAL_HEX[i]} → ${expected[i]}`);
      else expect(got).toMatch(/^error: job\.lua:\d+: bad argument #2 to 'format' \('%[aAq]' of a subnormal float is written otherwise by wasmoon's C library/);
    }
  });

  it("refuses pack options sized by C's long and size_t", () => {
    expect(nativeResults(NATIVE_SIZES).every((r) => !r.startsWith("error"))).toBe(true);
    for (const [i, got] of engineResults(engine, NATIVE_SIZES).entries()) {
      expect(`${NATIVE_SIZES[i]} → ${got}`).toMatch(/→ error: job\.lua:\d+: .*(option '[lLT]' is 4 bytes in wasmoon|option '[lLT]' \(8 bytes in Lua 5\.4\) does not fit fengari's)/);
    }
  });

  it(engine.name === "fengari" ? "refuses what only Lua 5.4 compiles, saying why" : "compiles what Lua 5.4 compiles", () => {
    const compiles = nativeResults(LUA54_ONLY_SOURCE.map(({ source }) => `load([==[${source}]==]) ~= nil`));
    expect(compiles).toEqual(LUA54_ONLY_SOURCE.map(() => "true"));
    for (const { source, fengari } of LUA54_ONLY_SOURCE) {
      const check = engine.check(source);
      if (engine.name !== "fengari") expect(check).toEqual({ ok: true });
      else expect(check.ok ? "compiled" : check.error.message).toMatch(fengari);
    }
  });

  it("prints floats as Lua 5.4 does", () => {
    const args = "-0.0, 2^53, 1/0, -1/0, 0.1, 1e100, 42, 2^63";
    const dir = mkdtempSync(join(tmpdir(), "shoal-print-"));
    writeFileSync(join(dir, "job.lua"), `print(${args})`);
    const native = spawnSync(findNativeLua(), ["job.lua"], { cwd: dir, encoding: "utf8" }).stdout;
    rmSync(dir, { recursive: true });
    expect(runMap(engine, mapBody(`print(${args})`)).log).toEqual([native.replace(/\n$/, "")]);
  });

  describe("same answers as native Lua 5.4", () => {
    for (const [topic, exprs] of Object.entries(SAME_AS_LUA54)) {
      it(topic, () => {
        const expected = nativeResults(exprs);
        const got = engineResults(engine, exprs);
        expect(got.map((r, i) => `${exprs[i]} → ${r}`)).toEqual(expected.map((r, i) => `${exprs[i]} → ${r}`));
      });
    }
  });
}
