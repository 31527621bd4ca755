import type { ReactNode } from "react";
import { followLink } from "./useRoute.ts";

/** An in-dashboard link: a real `<a href>` (so it opens in a new tab too) that navigates without a reload. */
export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  return (
    <a href={to} onClick={followLink} className={className}>
      {children}
    </a>
  );
}
