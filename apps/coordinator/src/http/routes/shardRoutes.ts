import { createReadStream } from "node:fs";
import type { ShardHash } from "@shoal/protocol";
import { HttpError } from "../HttpError.ts";
import type { HttpDeps } from "../HttpDeps.ts";
import type { Router } from "../Router.ts";

const SHA256 = /^[0-9a-f]{64}$/;
const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET" };

/**
 * `/shards/:sha256`: immutable, content-addressed bytes for workers and CDNs — a series' chunks and
 * the manifests listing them, which a new version shares with the old — no token needed.
 */
export function shardRoutes(router: Router, deps: HttpDeps): void {
  router.add("GET", "/shards/:hash", async ({ req, res, params }) => {
    const hash = params.hash as string;
    if (!SHA256.test(hash)) throw new HttpError(400, "expected a lowercase hex sha256", { headers: CORS });
    const size = await deps.shards.size(hash as ShardHash);
    if (size === undefined) throw new HttpError(404, `no shard ${hash}`, { headers: CORS });
    const headers = {
      ...CORS,
      "Cache-Control": "public, max-age=31536000, immutable",
      ETag: `"${hash}"`,
    };
    if (req.headers["if-none-match"]?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === `"${hash}"`)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, "Content-Type": "application/octet-stream", "Content-Length": size });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    deps.metrics.shardsServed++;
    const file = createReadStream(deps.shards.path(hash as ShardHash));
    file.on("data", (chunk) => (deps.metrics.shardBytesServed += chunk.length));
    file.on("error", (error) => res.destroy(error));
    file.pipe(res);
  });

  router.add("OPTIONS", "/shards/:hash", ({ res }) => {
    res.writeHead(204, { ...CORS, "Access-Control-Max-Age": "86400" });
    res.end();
  });
}
