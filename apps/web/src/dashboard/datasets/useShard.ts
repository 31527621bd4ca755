import { useEffect, useState } from "react";
import type { Series } from "@shoal/timeseries";
import { decodeShard, shardHash } from "@shoal/timeseries";

/** A shard loaded for preview, or why not. */
export interface ShardState {
  series: Series | undefined;
  error: string | undefined;
}

/** Fetches a series' shard from the coordinator's public `/shards/:hash`, checks its hash and decodes it. */
export function useShard(hash: string | undefined): ShardState {
  const [state, setState] = useState<ShardState>({ series: undefined, error: undefined });
  useEffect(() => {
    if (!hash) return;
    const abort = new AbortController();
    setState({ series: undefined, error: undefined });
    (async () => {
      const response = await fetch(`/shards/${hash}`, { signal: abort.signal });
      if (!response.ok) throw new Error(`GET /shards/${hash}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if ((await shardHash(bytes)) !== hash) throw new Error("the shard's bytes do not match its hash");
      return decodeShard(bytes);
    })().then(
      (series) => !abort.signal.aborted && setState({ series, error: undefined }),
      (failure: Error) => !abort.signal.aborted && setState({ series: undefined, error: failure.message }),
    );
    return () => abort.abort();
  }, [hash]);
  return state;
}
