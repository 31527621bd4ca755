// Runs Lua 5.4's own test suite (the `testes/` files of github.com/lua/lua, not kept in this
// repository) inside Shoal's sandbox on fengari and wasmoon, and on native lua5.4 with the same
// restrictions, and reports file by file what passes and why anything does not:
//
//   git --git-dir=<lua mirror> archive v5.4.4 testes | tar -x -C /tmp   # or any copy of testes/
//   npx tsx bench/luaTestes/run.ts /tmp/testes [strings math ...]
//
// Each file runs as one map call with no instruction budget, in a child process with a time
// limit. `_port` and `_soft` are set (as all.lua sets them for a portable, quick run): sections
// that need a particular platform or much time are skipped by the files themselves. What the
// sandbox leaves out is stubbed: `os.clock`/`os.time` (timing only), `collectgarbage` options the
// sandbox refuses (tuning; they return 0), `require` (the loaded library or nil). io, debug and
// string.dump stay absent, so sections that use them fail, and the reason says so. On fengari
// `<const>` is removed from the source first (it only forbids assignment; fengari is Lua 5.3).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fengariEngine } from "../../packages/lua/src/fengari/FengariEngine.ts";
import type { LuaEngine } from "../../packages/lua/src/LuaEngine.ts";
import { LuaError } from "../../packages/lua/src/LuaEngine.ts";
import { findNativeLua } from "../../packages/lua/src/testing/nativeLua.ts";
import { loadWasmoonEngine } from "../../packages/lua/src/wasmoon/WasmoonEngine.ts";

// Not run: api and code (they need the C test library, T, and skip everything without it), db
// (the debug library), gc, cstack and attrib (collector modes, tracegc, package and files), and
// bwcoercion (it changes the string metatable, which the sandbox locks).
const FILES = ["strings", "math", "sort", "tpack", "utf8", "nextvar", "pm", "vararg", "closure", "goto", "literals", "constructs", "events", "calls", "coroutine", "bitwise", "locals", "errors"];
const TIME_LIMIT_MS = 180_000;
const RUNNERS = (process.env.TESTES_RUNNERS?.split(",") ?? ["native", "fengari", "wasmoon"]) as readonly ("native" | "fengari" | "wasmoon")[];
type Runner = "native" | "fengari" | "wasmoon";

/** Outcome of one file on one runner. */
interface FileOutcome {
  ok: boolean;
  /** First line of the error, or "ok". */
  message: string;
  ms: number;
  /** On native: the line of the file's main chunk that failed. */
  line?: number;
  /** Lines blanked because native Lua, restricted as the sandbox is, fails on them. */
  skipped?: number[];
}

/**
 * Native lua5.4 with what the sandbox leaves out taken away; on failure it prints the message
 * and a traceback after a \u0001, so the failing statement of the main chunk can be skipped.
 */
function nativeScript(name: string, code: Uint8Array): string {
  return `local write, traceback = io.write, debug.traceback
for _, n in ipairs({ "io", "os", "debug", "package", "require", "dofile", "loadfile" }) do _G[n] = nil end
string.dump = nil
local function main()
${wrapper(name, code)}
end
local ok, e = xpcall(main, function(e) return tostring(e) .. "\\n" .. traceback() end)
write("\\1", ok and "ok" or e)`;
}

/** `source` with the given 1-based lines emptied (line numbers stay as they were). */
function blank(source: Uint8Array, lines: readonly number[]): Buffer {
  const text = Buffer.from(source).toString("latin1").split("\n");
  for (const line of lines) text[line - 1] = "";
  return Buffer.from(text.join("\n"), "latin1");
}

/**
 * Lines of the 5.4.4 testes that check what the sandbox does differently by design and whose
 * failure the message cannot tell: the exact sequence of Lua's random generator (the sandbox's
 * is xoshiro128**, seeded per call) and `random(0)` (Lua 5.4's form for all 64 bits; the
 * sandbox keeps 5.3's forms), and a modifier on '%p' (refused altogether).
 */
const DESIGN_LINES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  math: [
    [815, 853],
    [892, 924],
  ],
  strings: [[374, 374]],
};

/** The same for fengari alone: it has no weak tables (its objects are JavaScript's), so a loop waiting for the collector to clear one never ends. */
const FENGARI_DESIGN_LINES: Readonly<Record<string, readonly (readonly [number, number])[]>> = {
  closure: [
    [27, 32],
    [41, 41],
  ],
};

/** What the sandbox refuses by design (docs/lua-api.md): an engine's statement failing so is skipped too, and counted apart. */
const BY_DESIGN = [/'%p' is not supported in the sandbox/, /to 'random' \(interval (is empty|too large)\)/, /is not supported in the sandbox/];

/**
 * Runs the file on `runner`, skipping each statement of the main chunk that fails while
 * `skippable` says its failure is expected (at most 100), and returns the last outcome and the
 * lines skipped.
 */
function runSkipping(runner: Runner, engine: LuaEngine | null, name: string, source: Uint8Array, skippable: (o: FileOutcome) => boolean, skipped: number[] = []): { skipped: number[]; outcome: FileOutcome } {
  const own: number[] = [];
  for (;;) {
    const outcome = runFile(runner, engine, name, blank(source, [...skipped, ...own]));
    if (outcome.ok || outcome.line === undefined || !skippable(outcome) || [...skipped, ...own].includes(outcome.line) || own.length >= 100) return { skipped: own, outcome };
    const statement = [outcome.line];
    while (!compiles(blank(source, [...skipped, ...own, ...statement])) && statement.length < 60) statement.push(outcome.line + statement.length);
    own.push(...statement);
  }
}

/** Lines to skip so that native Lua, restricted as the sandbox is, runs the file: each failing main-chunk statement in turn. */
function portableLines(name: string, source: Uint8Array): { skipped: number[]; native: FileOutcome } {
  const { skipped, outcome } = runSkipping("native", null, name, source, () => true);
  return { skipped, native: outcome };
}

function compiles(source: Uint8Array): boolean {
  const check = spawnSync(findNativeLua(), ["-e", "io.write(load(io.read('a')) and 'ok' or 'no')"], { input: source, encoding: "utf8" });
  return check.stdout === "ok";
}

const STUBS = `
_port, _soft, _nomsg = true, true, true
os = { clock = function() return 0 end, time = function() return 0 end }
local sandboxGc = collectgarbage
collectgarbage = function(opt, ...)
  local known = { collect = true, step = true, count = true, isrunning = true }
  if opt == nil or known[opt] then return sandboxGc(opt, ...) end
  return 0
end
require = function(name) return _G[name] end
`;

/** `bytes` as a Lua string literal of exactly those bytes (the testes have Latin-1 and UTF-8 bytes that a JavaScript string would re-encode). */
function luaBytes(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) out += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${String(b).padStart(3, "0")}`;
  return `${out}"`;
}

/** The Lua that runs `source` as chunk `name` after the stubs and returns "ok". */
function wrapper(name: string, source: Uint8Array): string {
  return `${STUBS}\nlocal f = assert(load(${luaBytes(source)}, "@${name}.lua"))\nf()\nreturn "ok"\n`;
}

function runFile(runner: Runner, engine: LuaEngine | null, name: string, source: Buffer): FileOutcome {
  const start = performance.now();
  const code = runner === "fengari" ? Buffer.from(source.toString("latin1").replace(/<\s*const\s*>/g, ""), "latin1") : source;
  try {
    if (engine === null) {
      const run = spawnSync(findNativeLua(), ["-"], { input: Buffer.from(nativeScript(name, code), "utf8"), encoding: "utf8", maxBuffer: 64 << 20 });
      const [message = run.stderr.trim(), ...trace] = run.stdout.slice(run.stdout.lastIndexOf("\u0001") + 1).split("\n");
      // The outermost frame in the file is its main chunk.
      const line = [...trace.join("\n").matchAll(new RegExp(`${name}\\.lua:(\\d+): in `, "g"))].pop()?.[1];
      return { ok: message === "ok", message, ms: performance.now() - start, ...(line === undefined ? {} : { line: Number(line) }) };
    }
    const job = engine.load({ source: `function map() ${wrapper(name, code)} end`, budget: Infinity });
    job.map({ key: name, time: new Float64Array(0), columns: {}, first: 1 }, {}, 1);
    return { ok: true, message: "ok", ms: performance.now() - start };
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
    const trace = e instanceof LuaError ? (e.traceback ?? "") : "";
    const line = [...`${message}\n${trace}`.matchAll(new RegExp(`${name}\\.lua:(\\d+):`, "g"))].pop()?.[1];
    return { ok: false, message, ms: performance.now() - start, ...(line === undefined ? {} : { line: Number(line) }) };
  }
}

async function child(runner: Runner, path: string, skipped: number[]): Promise<void> {
  const name = path.replace(/^.*\//, "").replace(/\.lua$/, "");
  const source = readFileSync(path);
  if (runner === "native") {
    const portable = portableLines(name, source);
    process.stdout.write(JSON.stringify({ ...portable.native, skipped: portable.skipped }));
    return;
  }
  const engine = runner === "fengari" ? fengariEngine : await loadWasmoonEngine();
  const byDesign = (o: FileOutcome) => BY_DESIGN.some((re) => re.test(o.message));
  const ranges = [...(DESIGN_LINES[name] ?? []), ...(runner === "fengari" ? (FENGARI_DESIGN_LINES[name] ?? []) : [])];
  const design = ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));
  const run = runSkipping(runner, engine, name, source, byDesign, [...skipped, ...design]);
  run.skipped.push(...design);
  process.stdout.write(JSON.stringify({ ...run.outcome, skipped: run.skipped }));
}

function parent(dir: string, names: string[]): void {
  const self = fileURLToPath(import.meta.url);
  console.log(`| file | ${RUNNERS.join(" | ")} |`);
  console.log(`| --- |${RUNNERS.map(() => " --- |").join("")}`);
  const failures: string[] = [];
  for (const name of names) {
    let skipped: number[] = [];
    const cells = RUNNERS.map((runner) => {
      const run = spawnSync(process.execPath, ["--import", "tsx", self, "--one", runner, join(dir, `${name}.lua`), skipped.join(",")], {
        encoding: "utf8",
        timeout: TIME_LIMIT_MS,
        maxBuffer: 16 << 20,
      });
      let outcome: FileOutcome;
      try {
        outcome = JSON.parse(run.stdout) as FileOutcome;
      } catch {
        outcome = { ok: false, message: run.error ? `stopped after ${TIME_LIMIT_MS / 1000} s` : `crashed: ${run.stderr.trim().split("\n").pop()}`, ms: 0 };
      }
      if (runner === "native") skipped = outcome.skipped ?? [];
      const from = outcome.line !== undefined && !outcome.message.startsWith(`${name}.lua:${outcome.line}:`) ? ` (from line ${outcome.line})` : "";
      if (!outcome.ok) failures.push(`${name} on ${runner}: ${outcome.message}${from}`);
      const count = outcome.skipped?.length ?? 0;
      const skips = runner === "native" ? `, ${count} lines skipped` : count > 0 ? `, ${count} more by design` : "";
      return outcome.ok ? `pass (${(outcome.ms / 1000).toFixed(1)} s${skips})` : `FAIL${skips}`;
    });
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
  console.log(failures.length === 0 ? "\nevery file passes" : `\n${failures.join("\n")}`);
}

const args = process.argv.slice(2);
if (args[0] === "--one") await child(args[1] as Runner, args[2]!, args[3] ? args[3].split(",").map(Number) : []);
else if (args[0] === undefined) {
  console.error("usage: npx tsx bench/luaTestes/run.ts TESTES_DIR [file ...]   (files without .lua; default: the portable ones)");
  process.exitCode = 2;
} else parent(args[0], args.length > 1 ? args.slice(1) : FILES);
