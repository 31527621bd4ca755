import type { ReactNode } from "react";
import { Link } from "./Link.tsx";
import type { Route } from "./parseRoute.ts";
import { routePath } from "./parseRoute.ts";

const SECTIONS = [
  { label: "Jobs", path: routePath({ page: "jobs" }), pages: ["jobs", "job", "compare"] },
  { label: "New job", path: routePath({ page: "new-job" }), pages: ["new-job"] },
  { label: "Datasets", path: routePath({ page: "datasets" }), pages: ["datasets", "dataset"] },
  { label: "Peers", path: routePath({ page: "peers" }), pages: ["peers"] },
];

/** The dashboard's frame: the name, the sections, sign-out, and the page. */
export function Layout({ route, onSignOut, children }: { route: Route; onSignOut: () => void; children: ReactNode }) {
  return (
    <div className="shell">
      <header className="topbar">
        <a href="/" className="brand" title="The donor page">
          Shoal
        </a>
        <nav aria-label="Dashboard">
          {SECTIONS.map((section) => (
            <Link key={section.path} to={section.path} className={section.pages.includes(route.page) ? "active" : undefined}>
              {section.label}
            </Link>
          ))}
        </nav>
        <button type="button" className="link signout" onClick={onSignOut} data-testid="sign-out">
          Sign out
        </button>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}
