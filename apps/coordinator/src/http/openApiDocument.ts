import { PROTOCOL_VERSION } from "@shoal/protocol";
import type { ApiRoute, JsonSchema } from "./apiRoutes.ts";
import { API_ROUTES } from "./apiRoutes.ts";

/** Bumped on an incompatible change to a route of the HTTP API. */
export const HTTP_API_VERSION = "1";

const ERROR: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "string", description: "what was wrong, in words" }, line: { type: "integer", description: "the Lua or CSV line, when there is one" } },
};

/**
 * The OpenAPI 3.1 document of the coordinator's HTTP API, built from {@link API_ROUTES} and the
 * job spec's zod schema. Answer bodies name their view type in `@shoal/protocol` (api/).
 */
export function openApiDocument(routes: readonly ApiRoute[] = API_ROUTES): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, "{$1}");
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Shoal coordinator",
      version: HTTP_API_VERSION,
      description: `Jobs, datasets and volunteers of a Shoal grid; volunteers speak protocol ${PROTOCOL_VERSION} over /ws and WebRTC. See docs/api.md.`,
    },
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } }, schemas: { Error: ERROR } },
    paths,
  };
}

function operation(route: ApiRoute): Record<string, unknown> {
  const parameters = [
    ...[...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } })),
    ...Object.entries(route.query ?? {}).map(([name, description]) => ({ name, in: "query", required: description.startsWith("required"), description, schema: { type: "string" } })),
  ];
  const errors = { ...route.errors, ...(route.auth ? { 401: "missing or wrong bearer token" } : {}) };
  const responses: Record<string, unknown> = {
    [route.ok.status]: {
      description: route.ok.view ? `${route.ok.description} (${route.ok.view})` : route.ok.description,
      ...(route.ok.status === 204 ? {} : { content: { [route.ok.type ?? "application/json"]: { schema: route.ok.schema ?? { description: route.ok.view ?? "any JSON value" } } } }),
    },
  };
  for (const [status, description] of Object.entries(errors)) {
    responses[status] = { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
  }
  return {
    summary: route.summary,
    security: route.auth ? [{ bearer: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, description: `at most ${route.body.maxBytes} bytes`, content: { [route.body.type]: { schema: route.body.schema } } } } : {}),
    responses,
  };
}
