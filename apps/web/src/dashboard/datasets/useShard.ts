import { useEffect, useState } from "react";
import type { Series } from "@shoal/timeseries";
import { assembleSeries, decodeShard, isManifest, shardHash } from "@shoal/timeseries";

/** A shard loaded for preview, or why not. */
export interface ShardState {
  series: Series | undefined;
  error: string | undefined;
}

/** Fetches a series from the coordinator's public `/shards/:hash` (its shard, or the manifest and then its chunks), checking every hash. */
export function useShard(hash: string | undefined): ShardState {
  const [state, setState] = useState<ShardState>({ series: undefined, error: undefined });
  useEffect(() => {
    if (!hash) return;
    const abort = new AbortController();
    setState({ series: undefined, error: undefined });
    const get = async (address: string): Promise<Uint8Array> => {
      const response = await fetch(`/shards/${address}`, { signal: abort.signal });
      if (!response.ok) throw new Error(`GET /shards/${address}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if ((await shardHash(bytes)) !== address) throw new Error("the shard's bytes do not match its hash");
      return bytes;
    };
    (async () => {
      const bytes = await get(hash);
      return isManifest(bytes) ? assembleSeries(bytes, get) : decodeShard(bytes);
    })().then(
      (series) => !abort.signal.aborted && setState({ series, error: undefined }),
      (failure: Error) => !abort.signal.aborted && setState({ series: undefined, error: failure.message }),
    );
    return () => abort.abort();
  }, [hash]);
  return state;
}
