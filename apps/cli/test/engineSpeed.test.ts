import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENGINE_SPEED, engineSpeedText } from "@shoal/lua/engineSpeed";
import { describe, expect, it } from "vitest";
import { RUN_HELP } from "../src/commands/parseRunArgs.ts";
import { ROOT } from "./runShoal.ts";

const read = (path: string) => readFileSync(join(ROOT, path), "utf8").replace(/\s+/g, " ");

describe("engine speed figures", () => {
  it("are quoted from ENGINE_SPEED by shoal run --help", () => {
    const help = RUN_HELP.replace(/\s+/g, " ");
    expect(help).toContain(`${ENGINE_SPEED.fengari.timesNative}x native Lua 5.4's time`);
    expect(help).toContain(`wasmoon (Lua 5.4 in WebAssembly, ${ENGINE_SPEED.wasmoon.timesNative}x;`);
    expect(help).toContain(`compiled (Lua 5.4 compiled to JavaScript, ${ENGINE_SPEED.compiled.timesNative}x;`);
  });

  it.each(["README.md", "docs/lua-api.md"])("are the ones %s gives, with no older range left beside them", (path) => {
    const text = read(path);
    for (const engine of ["fengari", "wasmoon", "compiled"] as const) expect(text).toContain(engineSpeedText(engine));
    expect(text).not.toMatch(/\d+[–-]\d+× faster/);
  });
});
