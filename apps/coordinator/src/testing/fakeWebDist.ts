import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A stand-in for the built web app (apps/web/dist): its pages, embed.js, one hashed asset and the compiled engine's worker script, in a temp dir. */
export function fakeWebDist(): string {
  const dist = mkdtempSync(join(tmpdir(), "shoal-web-"));
  mkdirSync(join(dist, "assets"));
  writeFileSync(join(dist, "index.html"), "<!doctype html><title>Shoal</title>");
  writeFileSync(join(dist, "dashboard.html"), "<!doctype html><title>Shoal dashboard</title>");
  writeFileSync(join(dist, "leaderboard.html"), "<!doctype html><title>Shoal leaderboard</title>");
  writeFileSync(join(dist, "embed-frame.html"), "<!doctype html><title>Shoal volunteer</title>");
  writeFileSync(join(dist, "embed.js"), "(()=>{})();");
  writeFileSync(join(dist, "assets", "app-1234.js"), "console.log('donor');");
  writeFileSync(join(dist, "assets", "compiledWorker-Ab_12.js"), "self.onmessage = () => {};");
  // Same name outside assets/: not the built worker, so it keeps the ordinary policy.
  writeFileSync(join(dist, "compiledWorker-Ab_12.js"), "self.onmessage = () => {};");
  return dist;
}
