import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, findChromium } from "./support/findChromium.ts";

const PORT = Number(process.env.SHOAL_E2E_PORT ?? 5199);

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  timeout: 120_000,
  workers: 1,
  reporter: process.env.CI ? "line" : "list",
  outputDir: "../test-results",
  globalSetup: "./support/buildWeb.ts",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS, "--disable-features=WebRtcHideLocalIpsWithMdns"] },
  },
  webServer: {
    // --force: a dependency cache left by an earlier checkout would be re-optimised mid-test, reloading the page.
    command: `npx vite --config e2e/fixtures/vite.config.ts --port ${PORT} --strictPort --host 127.0.0.1 --force`,
    cwd: "..",
    url: `http://127.0.0.1:${PORT}/lua-worker/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
