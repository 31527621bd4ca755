import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vite";

const WEB = fileURLToPath(new URL("./apps/web", import.meta.url));
const EMBED_GZIP_LIMIT = 10 * 1024;
/** Node-only dependencies whose Node branches (files, processes) the browser bundle never takes. */
const NODE_BRANCHES = /node_modules\/(fengari|wasmoon|readline-sync|tmp)\//;

/** Prints the gzip size of embed.js after a build, and fails the build when it passes the limit. */
function embedSize(): Plugin {
  let outDir = "";
  return {
    name: "shoal-embed-size",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const bytes = gzipSync(readFileSync(join(outDir, "embed.js"))).byteLength;
      console.log(`embed.js: ${(bytes / 1024).toFixed(2)} KiB gzip (limit ${EMBED_GZIP_LIMIT / 1024} KiB)`);
      if (bytes > EMBED_GZIP_LIMIT) throw new Error(`embed.js is ${bytes} bytes gzip, more than ${EMBED_GZIP_LIMIT}`);
    },
  };
}

/**
 * Builds the web app (apps/web → apps/web/dist, served by the coordinator at `/`): the donor page,
 * the job-author dashboard (`/dashboard`), the embed frame, and `embed.js`, the loader sites
 * include with one script tag.
 */
export default defineConfig(({ command }) => ({
  root: WEB,
  plugins: [react(), embedSize()],
  server: { host: "127.0.0.1" },
  worker: { format: "es" },
  // fengari reads `process.env.FENGARICONF` unguarded when it loads, and takes any `process`
  // global to mean Node. Replace the read at bundle time only: in dev a top-level `define` would
  // make Vite's client create a `globalThis.process` shim, which sends fengari down its Node path.
  define: command === "build" ? { "process.env.FENGARICONF": "undefined" } : {},
  optimizeDeps: {
    include: ["fengari"],
    rolldownOptions: { transform: { define: { "process.env.FENGARICONF": "undefined" } } },
  },
  build: {
    outDir: join(WEB, "dist"),
    emptyOutDir: true,
    target: "es2022",
    rollupOptions: {
      // fengari and wasmoon import Node built-ins for paths a browser never runs; saying so for
      // each of them buried `npm start`'s URL under 18 warnings. Anything else still warns.
      // A slow machine (CI, a busy laptop) made the build print a plugin-timing report before the URL.
      checks: { bundlerTimings: false },
      onLog(level, log, handler) {
        if (log.message.includes("externalized for browser compatibility") && NODE_BRANCHES.test(log.message)) return;
        handler(level, log);
      },
      input: {
        index: join(WEB, "index.html"),
        dashboard: join(WEB, "dashboard.html"),
        leaderboard: join(WEB, "leaderboard.html"),
        "embed-frame": join(WEB, "embed-frame.html"),
        embed: join(WEB, "src/embed/embed.ts"),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === "embed" ? "embed.js" : "assets/[name]-[hash].js"),
      },
    },
  },
}));
