import type { IncomingMessage, ServerResponse } from "node:http";

/** One request as a route sees it. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

interface Route {
  method: string;
  path: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** What a path matched: a handler with its parameters, or only other methods (a 405). */
export type Match = { handler: Handler; params: Record<string, string> } | { allowed: string[] } | undefined;

/** Method and path routing with `:name` segments, nothing more. */
export class Router {
  readonly #routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path
      .split("/")
      .map((part) => (part.startsWith(":") ? (names.push(part.slice(1)), "([^/]+)") : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    this.#routes.push({ method, path, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** Every registered route's method and path, as registered (`:name` for a parameter). */
  routes(): { method: string; path: string }[] {
    return this.#routes.map(({ method, path }) => ({ method, path }));
  }

  /** The route for `method` on `path`; HEAD takes the GET route (Node's response drops the body). */
  match(method: string, path: string): Match {
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.method !== method && !(method === "HEAD" && route.method === "GET")) {
        allowed.push(route.method, ...(route.method === "GET" ? ["HEAD"] : []));
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1] as string)));
      return { handler: route.handler, params };
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}
