#!/usr/bin/env node
// The `shoal` command. Loads the TypeScript sources directly, so nothing needs building first.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
const code = await main(process.argv.slice(2));
// Exit explicitly: node-webrtc keeps native handles alive after every connection has closed,
// so a finished command would otherwise hang. stdout and stderr are synchronous on pipes and files.
process.exit(code);
