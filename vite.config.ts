import { defineConfig } from "vite";

/**
 * Vite serves the browser side of Shoal. Until the web app (apps/web) lands, it serves the
 * end-to-end fixture pages in e2e/fixtures, which run packages/lua in a real Web Worker.
 */
export default defineConfig({
  root: "e2e/fixtures",
  server: { host: "127.0.0.1" },
  worker: { format: "es" },
  // fengari reads `process.env.FENGARICONF` unguarded when it loads, and takes any `process`
  // global to mean Node. Replace the read at bundle time only: a top-level `define` would make
  // Vite's dev client create a `globalThis.process` shim, which sends fengari down its Node path.
  optimizeDeps: {
    include: ["fengari"],
    rolldownOptions: { transform: { define: { "process.env.FENGARICONF": "undefined" } } },
  },
});
