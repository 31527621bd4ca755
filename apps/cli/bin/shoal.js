#!/usr/bin/env node
// The `shoal` command. Loads the TypeScript sources directly, so nothing needs building first.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
process.exitCode = await main(process.argv.slice(2));
