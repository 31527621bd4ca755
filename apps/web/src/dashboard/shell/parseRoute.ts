/** A dashboard page and the ids its path names. */
export type Route =
  | { page: "jobs" }
  /** `from`: a submitted job the form starts from (`?from=JOB`). */
  | { page: "new-job"; from?: string }
  | { page: "job"; id: string }
  | { page: "datasets" }
  | { page: "dataset"; id: string }
  | { page: "peers" }
  /** Two jobs' runs side by side. */
  | { page: "compare"; a: string; b: string }
  | { page: "not-found"; path: string };

/** The longest id a path may name; longer is no id of ours (job ids are about 18 characters). */
const MAX_ID_CHARS = 200;

/** Where the dashboard lives; the coordinator serves dashboard.html for every path under it. */
export const BASE = "/dashboard";

/** Reads the route from a path under {@link BASE} (`/dashboard/jobs/j_1` → the page of job j_1) and its query. */
export function parseRoute(pathname: string, search = ""): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split("/").filter(Boolean).map(decodeURIComponent);
  const [section, id, extra] = parts;
  if (section === "compare") {
    const ok = parts.length === 3 && id !== undefined && extra !== undefined && id.length <= MAX_ID_CHARS && extra.length <= MAX_ID_CHARS;
    return ok ? { page: "compare", a: id, b: extra } : { page: "not-found", path: pathname };
  }
  if (extra !== undefined) return { page: "not-found", path: pathname };
  if (section === undefined || (section === "jobs" && id === undefined)) return { page: "jobs" };
  if (section === "jobs" && id === "new") {
    const from = new URLSearchParams(search).get("from");
    return from ? { page: "new-job", from } : { page: "new-job" };
  }
  if (section === "jobs" && id !== undefined) return { page: "job", id };
  if (section === "datasets") return id === undefined ? { page: "datasets" } : { page: "dataset", id };
  if (section === "peers" && id === undefined) return { page: "peers" };
  return { page: "not-found", path: pathname };
}

/** The path (and query) of a route, for links. */
export function routePath(route: Exclude<Route, { page: "not-found" }>): string {
  switch (route.page) {
    case "jobs":
      return `${BASE}/jobs`;
    case "new-job":
      return route.from === undefined ? `${BASE}/jobs/new` : `${BASE}/jobs/new?from=${encodeURIComponent(route.from)}`;
    case "job":
      return `${BASE}/jobs/${encodeURIComponent(route.id)}`;
    case "datasets":
      return `${BASE}/datasets`;
    case "dataset":
      return `${BASE}/datasets/${encodeURIComponent(route.id)}`;
    case "peers":
      return `${BASE}/peers`;
    case "compare":
      return `${BASE}/compare/${encodeURIComponent(route.a)}/${encodeURIComponent(route.b)}`;
  }
}
