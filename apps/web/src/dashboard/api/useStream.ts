import type { DependencyList } from "react";
import { useEffect, useRef } from "react";
import type { ShoalClient } from "@shoal/client";
import { ShoalApiError } from "@shoal/client";
import { useSession } from "../shell/SessionContext.ts";
import { describeError, TOKEN_REFUSED } from "./useApi.ts";

/**
 * Runs `follow(client, signal)` — reading an event stream, say — when `deps` change, and aborts it
 * on unmount or the next change. A failure other than that abort goes to `onError` in words; a 401
 * signs the author out too. Both callbacks are read through refs, so they may close over state.
 */
export function useStream(follow: (client: ShoalClient, signal: AbortSignal) => Promise<void>, onError: (message: string, failure: unknown) => void, deps: DependencyList): void {
  const { client, signOut } = useSession();
  const followRef = useRef(follow);
  const errorRef = useRef(onError);
  followRef.current = follow;
  errorRef.current = onError;

  useEffect(() => {
    const abort = new AbortController();
    followRef.current(client, abort.signal).catch((failure: unknown) => {
      if (abort.signal.aborted) return;
      if (failure instanceof ShoalApiError && failure.status === 401) signOut(TOKEN_REFUSED);
      errorRef.current(describeError(failure), failure);
    });
    return () => abort.abort();
    // `deps` name what the stream reads; the callbacks are read through refs.
  }, [client, signOut, ...deps]);
}
