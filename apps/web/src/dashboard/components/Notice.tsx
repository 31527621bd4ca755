import type { ReactNode } from "react";

/** A loading, empty or error state in words, so no page is ever just blank. */
export function Notice({ kind, children }: { kind: "loading" | "empty" | "error"; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"} data-testid={`notice-${kind}`}>
      {kind === "loading" && <span className="spinner" aria-hidden="true" />}
      {children}
    </div>
  );
}
