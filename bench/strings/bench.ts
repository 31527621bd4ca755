// bench/strings: what the instruction budget buys in CPU time on each engine, for plain Lua
// loops and for loops that build strings in library functions. Each kernel runs as a job's map
// call with a budget too large to hit; a row shows the instructions the call was charged, its
// CPU time, and nanoseconds per instruction, also as a multiple of that engine's plain loop.
// The budget bounds wall time only if string building is charged like the VM work it replaces
// (multiples near 1); `npm run bench strings`.
import { fengariEngine, prepareEngine } from "@shoal/lua";
import type { LuaEngine } from "@shoal/lua";

const SERIES = { key: "k", time: new Float64Array(1), columns: {}, first: 1 };
/** Each kernel's loop runs `n` times; n is scaled per engine so every row takes a similar time. */
const KERNELS: Record<string, string> = {
  "plain loop": "local x = 0 for i = 1, n * 1000 do x = x + i end",
  'string.rep("x", 1e4)': 'for i = 1, n do local s = string.rep("x", 10000) end',
  'string.rep("x", 1e6)': 'for i = 1, n // 100 do local s = string.rep("x", 1000000) end',
  "string.rep of 1 KiB × 100": 'local c = string.rep("abcdefgh", 128) for i = 1, n do local s = string.rep(c, 100) end',
  "s .. i, s of 10 KB": 'local a = string.rep("x", 10000) for i = 1, n do local s = a .. i end',
  "a .. b .. c .. d, small": 'for i = 1, n * 10 do local s = "abc" .. i .. "def" .. i end',
  "table.concat of 1000 × 10 B": 'local t = {} for i = 1, 1000 do t[i] = "abcdefghij" end for i = 1, n do local s = table.concat(t) end',
  'string.format("%s%d"), 10 KB': 'local a = string.rep("x", 10000) for i = 1, n do local s = string.format("%s%d", a, i) end',
  "gsub of 10 KB": 'local a = string.rep("ab", 5000) for i = 1, n do local s = a:gsub("a", "c") end',
  "upper of 10 KB": 'local a = string.rep("ab", 5000) for i = 1, n do local s = a:upper() end',
  "reverse of 10 KB": 'local a = string.rep("ab", 5000) for i = 1, n do local s = a:reverse() end',
  "sub of 100 KB": 'local a = string.rep("ab", 50000) for i = 1, n do local s = a:sub(2, -2) end',
  "string.char of 200": "local c = {} for i = 1, 200 do c[i] = 65 + i % 26 end for i = 1, n do local s = string.char(table.unpack(c)) end",
  "tostring(i + 0.5)": "for i = 1, n * 10 do local s = tostring(i + 0.5) end",
};

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface Row {
  instructions: number;
  ms: number;
}

function measure(engine: LuaEngine, body: string, n: number): Row {
  const job = engine.load({ source: `function map(series, p)\nlocal n = p.n\n${body}\nreturn 0\nend`, budget: 1e15 });
  let best: Row = { instructions: 0, ms: Infinity };
  // The first call warms V8's compiler up; the best of the later ones is what the work costs.
  for (let i = 0; i < 4; i++) {
    const t0 = cpuMs();
    const { instructions } = job.map(SERIES, { n }, 1);
    const ms = cpuMs() - t0;
    if (i > 0 && ms < best.ms) best = { instructions, ms };
  }
  return best;
}

const engines: Array<[string, LuaEngine, number]> = [
  ["fengari", fengariEngine, 200],
  ["wasmoon", await prepareEngine("wasmoon"), 2000],
];
const results = new Map<string, Map<string, Row>>();
for (const [name, engine, n] of engines) {
  const rows = new Map<string, Row>();
  for (const [kernel, body] of Object.entries(KERNELS)) rows.set(kernel, measure(engine, body, n));
  results.set(name, rows);
}

const nsPer = (row: Row) => (row.ms * 1e6) / row.instructions;
console.log("CPU ns per budget instruction, best of calls 2..4; × plain: against the same engine's plain loop\n");
console.log("| kernel | fengari instructions | fengari ns/instr | × plain | wasmoon instructions | wasmoon ns/instr | × plain |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const kernel of Object.keys(KERNELS)) {
  const cells = engines.flatMap(([name]) => {
    const rows = results.get(name)!;
    const row = rows.get(kernel)!;
    return [row.instructions.toExponential(2), nsPer(row).toFixed(2), (nsPer(row) / nsPer(rows.get("plain loop")!)).toFixed(2)];
  });
  console.log(`| ${kernel} | ${cells.join(" | ")} |`);
}
