import { describe, expect, it } from "vitest";
import { z } from "zod";
import { schemaFor } from "./schemaFor.ts";

interface Sample {
  type: "sample";
  count: number;
  note?: string;
}

// The checks below are compile-time: `npm run typecheck` fails if any @ts-expect-error stops erroring.
describe("schemaFor", () => {
  it("accepts a schema whose output is exactly the interface and returns it unchanged", () => {
    const schema = z.strictObject({ type: z.literal("sample"), count: z.number(), note: z.string().optional() });
    expect(schemaFor<Sample>()(schema)).toBe(schema);
  });

  it("refuses, at compile time, schemas that drifted from their interface", () => {
    const missingOptional = z.strictObject({ type: z.literal("sample"), count: z.number() });
    const extraField = z.strictObject({ type: z.literal("sample"), count: z.number(), note: z.string().optional(), more: z.number() });
    const retyped = z.strictObject({ type: z.literal("sample"), count: z.string(), note: z.string().optional() });
    // @ts-expect-error the interface has `note`, the schema does not
    schemaFor<Sample>()(missingOptional);
    // @ts-expect-error the schema has `more`, the interface does not
    schemaFor<Sample>()(extraField);
    // @ts-expect-error `count` is a number in the interface, a string in the schema
    schemaFor<Sample>()(retyped);
    expect(retyped.safeParse({ type: "sample", count: 1 }).success).toBe(false);
  });
});
