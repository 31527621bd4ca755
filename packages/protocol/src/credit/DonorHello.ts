import { z } from "zod";
import { donorKeySchema, siteNameSchema } from "./donorText.ts";

/**
 * Whom a volunteer's accepted work is credited to, said in its hello: a donor key (the secret
 * that binds a public name and team; the coordinator keeps only its hash), or an embedding site,
 * or neither (anonymous). Credit goes to the site when both are given, never to the visitor.
 */
export interface DonorHello {
  key?: string;
  site?: string;
}

/** The hello's `donor` field. */
export const donorHelloSchema = z.strictObject({ key: donorKeySchema.optional(), site: siteNameSchema.optional() });
