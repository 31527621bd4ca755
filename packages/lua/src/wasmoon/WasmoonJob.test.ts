import { describe, expect, it } from "vitest";
import { luaErrorOf, mapBody, runMap, SERIES } from "../testing/fixtures.ts";
import { createWasmoonEngine, loadWasmoonEngine } from "./WasmoonEngine.ts";
import { WasmoonRuntime } from "./WasmoonRuntime.ts";

const engine = await loadWasmoonEngine();
const run = (body: string, opts = {}) => runMap(engine, mapBody(body), {}, opts).value;

describe("wasmoon numbers", () => {
  it("has Lua 5.4's 64-bit integers and number formatting", () => {
    expect(run(`return { 2147483647 + 1, math.type(2^31), math.type(3e9 // 1), string.format("%d", 3e9), math.maxinteger // 2^32 }`)).toEqual([
      2147483648, "float", "float", "3000000000", 2147483648,
    ]);
    expect(run(`return { tostring(3), tostring(3.0), tostring(2^63), tostring(0.1 + 0.2), string.format("%.17g", 0.1), _VERSION }`)).toEqual([
      "3", "3.0", "9.2233720368548e+18", "0.3", "0.10000000000000001", "Lua 5.4",
    ]);
  });
});

describe("wasmoon determinism", () => {
  const source = mapBody(`
    local t, keys = {}, {}
    for i = 1, 40 do t["key" .. i] = i end
    for k in pairs(t) do keys[#keys + 1] = k end
    return keys`);

  it("iterates string keys in the same order in every state, in every runtime", async () => {
    const other = createWasmoonEngine(await WasmoonRuntime.load());
    const order = engine.load({ source }).map(SERIES, {}, 1).value;
    expect(engine.load({ source }).map(SERIES, {}, 2).value).toEqual(order);
    expect(other.load({ source }).map(SERIES, {}, 1).value).toEqual(order);
  });

  it("shows objects with per-call ids in tostring, print and string.format, and refuses %p", () => {
    const job = engine.load({
      source: mapBody(`
        local t = {}
        print(t, print)
        return { tostring(t), string.format("%s|%5.2s", print, t), tostring(setmetatable({}, { __name = "Point" })) }`),
    });
    const a = job.map(SERIES, {}, 1);
    expect(a.value).toEqual(["table: 0x00000001", "function: 0x00000002|   ta", "Point: 0x00000003"]);
    expect(a.log).toEqual(["table: 0x00000001\tfunction: 0x00000002"]);
    expect(luaErrorOf(() => run(`return string.format("%p", {})`)).message).toBe(
      "job.lua:2: bad argument #2 to 'format' ('%p' is not supported in the sandbox)",
    );
  });

  it("ignores __gc, so no finalizer runs outside the budget", () => {
    const { value, log } = runMap(
      engine,
      mapBody(`
        local mt = { __gc = function() print("finalized") while true do end end }
        setmetatable({}, mt)
        collectgarbage()
        return rawget(mt, "__gc") ~= nil`),
    );
    expect(value).toBe(true);
    expect(log).toEqual([]);
  });

  it("counts Lua's own heap in collectgarbage('count'), the same in every call", () => {
    const job = engine.load({ source: mapBody(`local a = collectgarbage("count") local t = {} for i = 1, 1e5 do t[i] = i end return { a, collectgarbage("count") }`) });
    const [before, after] = job.map(SERIES, {}, 1).value as [number, number];
    expect(after - before).toBeGreaterThan(1000);
    expect(job.map(SERIES, {}, 1).value).toEqual([before, after]);
  });
});

describe("wasmoon runtime", () => {
  it("reuses one engine per thread", async () => {
    expect(await loadWasmoonEngine()).toBe(engine);
  });

  it("registers its JavaScript functions once and frees every call's state", async () => {
    const rt = await WasmoonRuntime.load();
    const fresh = createWasmoonEngine(rt);
    const job = fresh.load({
      source: mapBody(`
        local s = quant.columns(series)
        local big = {} for i = 1, 2e6 do big[i] = i end
        print(tostring(quant.sma(s.close, 2)))
        return ts.mean(series.close) + #big`),
    });
    job.map(SERIES, {}, 1);
    const functions = rt.x.__indirect_function_table.length;
    const memory = rt.x.memory.buffer.byteLength;
    for (let i = 0; i < 5; i++) job.map(SERIES, {}, 1);
    expect(luaErrorOf(() => fresh.load({ source: mapBody("while true do end"), budget: 1e4 }).map(SERIES, {}, 1)).kind).toBe("budget");
    expect(rt.x.__indirect_function_table.length).toBe(functions);
    expect(rt.x.memory.buffer.byteLength).toBe(memory);
  });

  it("runs without the count hook when the budget is Infinity, still charging library work", () => {
    const { value, instructions } = runMap(engine, mapBody(`local x = 0 for i = 1, 1e6 do x = x + i end return { x, #ts.cumsum({ 1, 2, 3 }) }`), {}, { budget: Infinity });
    expect(value).toEqual([500000500000, 3]);
    expect(instructions).toBeLessThan(1000);
  });
});
