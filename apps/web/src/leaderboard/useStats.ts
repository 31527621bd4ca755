import { useEffect, useState } from "react";
import type { StatsBoard, StatsPage, StatsWindow } from "@shoal/protocol";
import { getStats } from "../credit/creditApi.ts";

/** How often the board is fetched again; the coordinator caches each page for about as long. */
const REFRESH_MS = 3_000;

/** One page of a board, fetched now and every few seconds while shown, so it updates live. */
export function useStats(board: StatsBoard, window: StatsWindow, offset: number, limit: number): { page: StatsPage | undefined; error: string | undefined } {
  const [page, setPage] = useState<StatsPage>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stopped = false;
    const refresh = () =>
      getStats(board, window, offset, limit).then(
        (next) => {
          if (stopped) return;
          setPage(next);
          setError(undefined);
        },
        (failure: Error) => !stopped && setError(failure.message),
      );
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [board, window, offset, limit]);
  return { page, error };
}
