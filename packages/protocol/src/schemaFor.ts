import type { z } from "zod";

/** True only when A and B are the same type: mutual assignability is not enough, since an optional field added to one side keeps that. */
export type SameType<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * Ties a zod schema to the interface it parses: `schemaFor<Hello>()(z.strictObject({...}))` compiles
 * only while the schema's output is exactly `Hello`, so a field added, dropped or retyped on one
 * side and not the other fails the type check instead of hiding behind a cast.
 */
export function schemaFor<T>() {
  return <S extends z.ZodType>(schema: S & (SameType<z.output<S>, T> extends true ? unknown : { "schema output differs from": T })): S =>
    schema;
}
