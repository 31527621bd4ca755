// Entry of the installed `shoal` (bundled by scripts/packages/buildCliPackage.ts): the package's own
// package.json carries the version, and the built dashboard sits in the package's web/ folder.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { main } from "./main.ts";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const code = await main(process.argv.slice(2), { version, webDist: fileURLToPath(new URL("../web", import.meta.url)) });
// Exit explicitly: node-webrtc keeps native handles alive after every connection has closed.
process.exit(code);
