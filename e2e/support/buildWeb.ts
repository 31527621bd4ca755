import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Playwright global setup: builds apps/web (the coordinator serves apps/web/dist), so a fresh clone can run the e2e. */
export default function buildWeb(): void {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL("../../node_modules/vite/bin/vite.js", import.meta.url)), "build", "--logLevel", "error"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
}
