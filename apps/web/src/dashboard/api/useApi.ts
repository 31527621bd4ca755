import type { DependencyList } from "react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ShoalClient } from "@shoal/client";
import { ShoalApiError } from "@shoal/client";
import { useSession } from "../shell/SessionContext.ts";

/** A value loaded from the coordinator: the last good data, the last error in words, and whether a load is under way. */
export interface ApiState<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): void;
}

/** The message for a failed call; a refused token signs the author out instead. */
export function describeError(error: unknown): string {
  if (error instanceof ShoalApiError) return error.status === 0 ? error.message : `${error.message} (HTTP ${error.status})`;
  if (error instanceof TypeError) return `Cannot reach the coordinator: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** The sign-out reason for a 401. */
export const TOKEN_REFUSED = "The coordinator refused this token (HTTP 401). Check it and sign in again.";

/**
 * Loads `load(client)` when `deps` change and, with `refreshMs`, again on that period (keeping the
 * old data while it reloads). A 401 signs the author out with a clear message.
 */
export function useApi<T>(load: (client: ShoalClient) => Promise<T>, deps: DependencyList, options: { refreshMs?: number } = {}): ApiState<T> {
  const { client, signOut } = useSession();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let live = true;
    const run = () => {
      setLoading(true);
      loadRef.current(client).then(
        (value) => {
          if (!live) return;
          setData(value);
          setError(undefined);
          setLoading(false);
        },
        (failure: unknown) => {
          if (!live) return;
          if (failure instanceof ShoalApiError && failure.status === 401) signOut(TOKEN_REFUSED);
          setError(describeError(failure));
          setLoading(false);
        },
      );
    };
    run();
    const timer = options.refreshMs ? setInterval(run, options.refreshMs) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
    // `deps` name what the load reads; the loader itself is read through a ref.
  }, [client, signOut, generation, options.refreshMs, ...deps]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}
