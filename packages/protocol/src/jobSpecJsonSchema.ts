import { z } from "zod";
import { jobSpecSchema } from "./jobSpec.ts";

/**
 * The job spec schema the coordinator validates with, as JSON Schema (draft 2020-12, the input
 * side: fields with defaults are optional), for the OpenAPI document and clients in other languages.
 */
export function jobSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(jobSpecSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
