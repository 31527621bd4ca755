import { casesOf } from "../DiffCase.ts";

/** The utf8 library and string.pack within 32-bit integers. */
export const utf8Cases = casesOf("utf8 and pack", {
  "char and codepoint": `return utf8.char(72, 228, 8364, 128512), utf8.codepoint("häé", 1, -1), #utf8.char(0x7FF, 0x800, 0xFFFF, 0x10000)`,
  "len and invalid bytes": `return utf8.len("häé€"), utf8.len("\\xff"), utf8.len("abc\\xe4"), utf8.len("häé", 2), utf8.len("häé", 3), utf8.len("")`,
  "offset": `local s = "aä€😀b"
    return utf8.offset(s, 1), utf8.offset(s, 3), utf8.offset(s, 5), utf8.offset(s, 6), utf8.offset(s, -1), utf8.offset(s, -2), utf8.offset(s, 0, 4)`,
  "codes": `local out = {}
    for p, c in utf8.codes("aä€😀") do out[#out + 1] = p .. ":" .. c end
    return table.concat(out, " ")`,
  "codes on invalid input": `return pcall(function() for _ in utf8.codes("a\\xffb") do end end)`,
  "codepoint errors": `return select(2, pcall(utf8.codepoint, "\\xff")), select(2, pcall(utf8.offset, "ä", 1, 2))`,
  "matching with charpattern": `local n = 0
    for ch in ("déjà vu"):gmatch(utf8.charpattern) do n = n + 1 end
    return n`,
  "pack and unpack": `local s = string.pack("<i2 >I2 B b z s1 d f", -2, 513, 255, -1, "zs", "len", 1.5, 0.25)
    return #s, s:byte(1, 4), string.unpack("<i2 >I2 B b z s1 d f", s)`,
  "pack sizes and alignment": `return string.packsize("i4 i2 b"), string.packsize("!4 i1 i4"), string.packsize("d"), #string.pack("!8 b d", 1, 2), string.pack(">i3", 65536 + 2):byte(1, -1)`,
  "pack errors": `return select(2, pcall(string.pack, "i1", 200)), select(2, pcall(string.unpack, "i4", "ab")), select(2, pcall(string.pack, "q", 1))`,
})
