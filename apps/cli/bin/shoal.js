#!/usr/bin/env node
// The `shoal` command from the repository. Loads the TypeScript sources directly, so nothing needs
// building first; the installed package runs the bundle built from apps/cli/src/shoalBundle.ts instead.
import { readFileSync } from "node:fs";
import { register } from "tsx/esm/api";

register();
const { version } = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8"));
const { main } = await import("../src/main.ts");
const code = await main(process.argv.slice(2), { version });
// Exit explicitly: node-webrtc keeps native handles alive after every connection has closed,
// so a finished command would otherwise hang. stdout and stderr are synchronous on pipes and files.
process.exit(code);
