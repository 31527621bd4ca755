import { z } from "zod";
import { donorKeySchema, siteNameSchema, siteOriginSchema } from "./donorText.ts";

/**
 * Whom a volunteer's accepted work is credited to, said in its hello: a donor key (the secret
 * that binds a public name and team; the coordinator keeps only its hash), or an embedding site,
 * or neither (anonymous). Credit goes to the site (its origin) when both are given, never to the visitor.
 */
export interface DonorHello {
  key?: string;
  /** The site's display name (`data-site`); only with `siteOrigin`, which is what the credit belongs to. */
  site?: string;
  /** The host origin the embed frame verified (ancestorOrigins or referrer): the site's account. */
  siteOrigin?: string;
}

/** The hello's `donor` field: a site name is refused without the origin it is the name of. */
export const donorHelloSchema = z
  .strictObject({ key: donorKeySchema.optional(), site: siteNameSchema.optional(), siteOrigin: siteOriginSchema.optional() })
  .refine((donor) => donor.site === undefined || donor.siteOrigin !== undefined, { message: "a site name needs the siteOrigin it belongs to", path: ["site"] });
